"""`python -m video_generator.cli` runs the `vidgen` command."""

from video_generator.cli import main

raise SystemExit(main())
