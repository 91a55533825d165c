"""Word lists the brief parser reads by: tones, styles, people nouns, filler words, acronyms."""

from __future__ import annotations

from video_generator.core.models import Style, Tone

# Words (lower case) that name a tone, mapped to the Tone they mean. Multi-word entries are
# matched as phrases. Ambiguous words that mostly describe things, not voices ("dark",
# "soft", "bold", "bright", "business") are left out on purpose: "dark chocolate" is a topic.
TONE_WORDS: dict[str, Tone] = {
    # upbeat
    "upbeat": Tone.UPBEAT,
    "upbeet": Tone.UPBEAT,  # short words get no typo matching; this misspelling is common
    "positive": Tone.UPBEAT,
    "cheerful": Tone.UPBEAT,
    "happy": Tone.UPBEAT,
    "peppy": Tone.UPBEAT,
    "bubbly": Tone.UPBEAT,
    "optimistic": Tone.UPBEAT,
    "sunny": Tone.UPBEAT,
    "alegre": Tone.UPBEAT,
    "fröhlich": Tone.UPBEAT,
    "joyeux": Tone.UPBEAT,
    # energetic
    "energetic": Tone.ENERGETIC,
    "high-energy": Tone.ENERGETIC,
    "high energy": Tone.ENERGETIC,
    "hype": Tone.ENERGETIC,
    "hyped": Tone.ENERGETIC,
    "punchy": Tone.ENERGETIC,
    "fast-paced": Tone.ENERGETIC,
    "fast paced": Tone.ENERGETIC,
    "dynamic": Tone.ENERGETIC,
    "exciting": Tone.ENERGETIC,
    "excited": Tone.ENERGETIC,
    "lively": Tone.ENERGETIC,
    "energized": Tone.ENERGETIC,
    "energético": Tone.ENERGETIC,
    "energetico": Tone.ENERGETIC,
    "énergique": Tone.ENERGETIC,
    "energisch": Tone.ENERGETIC,
    # calm
    "calm": Tone.CALM,
    "chill": Tone.CALM,
    "chilled": Tone.CALM,
    "relaxed": Tone.CALM,
    "relaxing": Tone.CALM,
    "soothing": Tone.CALM,
    "gentle": Tone.CALM,
    "mellow": Tone.CALM,
    "peaceful": Tone.CALM,
    "zen": Tone.CALM,
    "tranquil": Tone.CALM,
    "serene": Tone.CALM,
    "laid-back": Tone.CALM,
    "laid back": Tone.CALM,
    "calme": Tone.CALM,
    "calmo": Tone.CALM,
    "calma": Tone.CALM,
    "tranquilo": Tone.CALM,
    "ruhig": Tone.CALM,
    # professional
    "professional": Tone.PROFESSIONAL,
    "corporate": Tone.PROFESSIONAL,
    "polished": Tone.PROFESSIONAL,
    "formal": Tone.PROFESSIONAL,
    "authoritative": Tone.PROFESSIONAL,
    "trustworthy": Tone.PROFESSIONAL,
    "credible": Tone.PROFESSIONAL,
    "businesslike": Tone.PROFESSIONAL,
    "b2b": Tone.PROFESSIONAL,
    "profesional": Tone.PROFESSIONAL,
    "professionnel": Tone.PROFESSIONAL,
    "professionell": Tone.PROFESSIONAL,
    "profissional": Tone.PROFESSIONAL,
    "professionale": Tone.PROFESSIONAL,
    "seriös": Tone.PROFESSIONAL,
    # playful
    "playful": Tone.PLAYFUL,
    "fun": Tone.PLAYFUL,
    "silly": Tone.PLAYFUL,
    "quirky": Tone.PLAYFUL,
    "cheeky": Tone.PLAYFUL,
    "goofy": Tone.PLAYFUL,
    "lighthearted": Tone.PLAYFUL,
    "light-hearted": Tone.PLAYFUL,
    "whimsical": Tone.PLAYFUL,
    "cute": Tone.PLAYFUL,
    "sassy": Tone.PLAYFUL,
    "divertido": Tone.PLAYFUL,
    "divertida": Tone.PLAYFUL,
    "ludique": Tone.PLAYFUL,
    "verspielt": Tone.PLAYFUL,
    "giocoso": Tone.PLAYFUL,
    # inspirational
    "inspirational": Tone.INSPIRATIONAL,
    "inspiring": Tone.INSPIRATIONAL,
    "motivational": Tone.INSPIRATIONAL,
    "motivating": Tone.INSPIRATIONAL,
    "uplifting": Tone.INSPIRATIONAL,
    "empowering": Tone.INSPIRATIONAL,
    "aspirational": Tone.INSPIRATIONAL,
    "hopeful": Tone.INSPIRATIONAL,
    "inspirador": Tone.INSPIRATIONAL,
    "inspiradora": Tone.INSPIRATIONAL,
    "inspirant": Tone.INSPIRATIONAL,
    "inspirierend": Tone.INSPIRATIONAL,
    "motivierend": Tone.INSPIRATIONAL,
    "motivador": Tone.INSPIRATIONAL,
    # dramatic
    "dramatic": Tone.DRAMATIC,
    "cinematic": Tone.DRAMATIC,
    "epic": Tone.DRAMATIC,
    "suspenseful": Tone.DRAMATIC,
    "moody": Tone.DRAMATIC,
    "intense": Tone.DRAMATIC,
    "gritty": Tone.DRAMATIC,
    "dramático": Tone.DRAMATIC,
    "dramatique": Tone.DRAMATIC,
    "dramatisch": Tone.DRAMATIC,
    # humorous
    "humorous": Tone.HUMOROUS,
    "funny": Tone.HUMOROUS,
    "hilarious": Tone.HUMOROUS,
    "comedic": Tone.HUMOROUS,
    "witty": Tone.HUMOROUS,
    "jokey": Tone.HUMOROUS,
    "sarcastic": Tone.HUMOROUS,
    "tongue-in-cheek": Tone.HUMOROUS,
    "meme-y": Tone.HUMOROUS,
    "memey": Tone.HUMOROUS,
    "gracioso": Tone.HUMOROUS,
    "chistoso": Tone.HUMOROUS,
    "drôle": Tone.HUMOROUS,
    "lustig": Tone.HUMOROUS,
    "witzig": Tone.HUMOROUS,
    "engraçado": Tone.HUMOROUS,
    "divertente": Tone.HUMOROUS,
    # warm
    "warm": Tone.WARM,
    "cozy": Tone.WARM,
    "cosy": Tone.WARM,
    "heartfelt": Tone.WARM,
    "friendly": Tone.WARM,
    "wholesome": Tone.WARM,
    "heartwarming": Tone.WARM,
    "heart-warming": Tone.WARM,
    "caring": Tone.WARM,
    "nostalgic": Tone.WARM,
    "empathetic": Tone.WARM,
    "compassionate": Tone.WARM,
    "cálido": Tone.WARM,
    "chaleureux": Tone.WARM,
    "herzlich": Tone.WARM,
    "caloroso": Tone.WARM,
    # serious
    "serious": Tone.SERIOUS,
    "sober": Tone.SERIOUS,
    "somber": Tone.SERIOUS,
    "sombre": Tone.SERIOUS,
    "no-nonsense": Tone.SERIOUS,
    "straightforward": Tone.SERIOUS,
    "earnest": Tone.SERIOUS,
    "matter-of-fact": Tone.SERIOUS,
    "grave": Tone.SERIOUS,
    "serio": Tone.SERIOUS,
    "sérieux": Tone.SERIOUS,
    "ernst": Tone.SERIOUS,
}

# Words that name the video's style outright (the Style enum values and their nouns). These
# beat styles inferred from cues such as "how to" or "launch".
STYLE_WORDS: dict[str, Style] = {
    "educational": Style.EDUCATIONAL,
    "informative": Style.EDUCATIONAL,
    "explainer": Style.EDUCATIONAL,
    "educativo": Style.EDUCATIONAL,
    "éducatif": Style.EDUCATIONAL,
    "lehrreich": Style.EDUCATIONAL,
    "viral": Style.VIRAL,
    "story": Style.STORY,
    "storytime": Style.STORY,
    "story time": Style.STORY,
    "story-time": Style.STORY,
    "storytelling": Style.STORY,
    "narrative": Style.STORY,
    "tutorial": Style.TUTORIAL,
    "how-to": Style.TUTORIAL,
    "walkthrough": Style.TUTORIAL,
    "walk-through": Style.TUTORIAL,
    "promotional": Style.PROMOTIONAL,
    "promo": Style.PROMOTIONAL,
    "advert": Style.PROMOTIONAL,
    "advertisement": Style.PROMOTIONAL,
    "commercial": Style.PROMOTIONAL,
    "listicle": Style.LISTICLE,
}

# Nouns that mean "the video itself"; they are never the topic.
VIDEO_NOUNS = frozenset(
    """video videos vid vids clip clips reel reels short shorts tiktok tiktoks content piece
    spot ad ads explainer teaser trailer version versions montage film post posts vlog promo
    listicle short-form vídeo vidéo vidéos 動画 视频 영상""".split()
)

# Words that carry no topic: requests, politeness, vague praise, production vocabulary.
FILLER = (
    frozenset(
        """hey hi hello yo please pls plz thanks thank thx ty you i i'd i'm i'll i've we we'd we're
    we'll me us can could would will should shall need needs needed want wants wanna gonna like
    love make making made create creating produce generate do doing give write get have put
    let let's help a an the some something anything one it its it's this that these those is
    be are was were been so just really very super maybe also too ok okay lol lmao asap kinda
    sorta quick quickly short little nice cool good great awesome amazing engaging catchy
    snappy simple vertical horizontal square portrait landscape format style tone vibe vibes
    feel feeling mood energy keep long length duration total max maximum min minimum tops ish
    around approx approximately roughly okay
    thanks! cheers folks guys please! new-ish fresh viral-ish platform platforms channel
    channels social socials media target hook captions subtitles music voiceover
    voice-over audio b-roll overlays overlay hashtags emojis emoji trending sound sounds
    un una uno une ein eine einen einem einer um uma el la los las le les der die das
    hazme haz fais faites mach macht crea crear créer erstelle erstellen faz faça fai
    向け 向けの の で 用 做 一个 一支 的 작성""".split()
    )
    | VIDEO_NOUNS
)

# Adjectives of praise or size: trimmed from a topic's edges, but they do not split one
# ("3 quick hacks for a tiny closet").
SOFT_FILLER = frozenset(
    """quick short little nice cool good great awesome amazing engaging catchy snappy simple
    vertical horizontal square portrait landscape fresh""".split()
)

# Short words that join a noun phrase; a topic may hold them inside but never at its edges.
CONNECTORS = frozenset(
    """and or & + of for on in to with at by from as vs vs. versus into onto about the a an
    de del da do di du des y e et und oder o ou con com mit avec en em para pour für per sur
    su sobre über zu""".split()
)

# People nouns: a "for ..." phrase is the audience only when it names people.
PEOPLE = frozenset(
    """people folks persons person everyone everybody anyone anybody adults adult kids
    kid children child toddlers toddler babies teens teen teenagers teenager tweens youth
    students student parents parent moms mom mums mum mothers mother dads dad fathers father
    families family couples couple singles women woman men man girls girl boys boy guys gals
    ladies gentlemen bros seniors elderly retirees millennials boomers zoomers gen-z genz
    founders founder ceos ctos cfos cmos cios cpos coos vps pms devs execs beginners
    beginner newbies newbie novices novice noobs rookies experts pros professionals
    executives leaders leadership managers owners buyers sellers investors
    travelers travellers tourists backpackers nomads expats immigrants gamers runners lovers
    fans followers subscribers viewers customers clients shoppers users readers learners
    nurses doctors physicians patients caregivers teachers educators tutors coaches athletes
    employees workers staff colleagues coworkers co-workers teams team freelancers creators
    entrepreneurs solopreneurs marketers engineers developers designers artists musicians
    writers authors photographers filmmakers chefs cooks bakers foodies gardeners hikers
    cyclists climbers swimmers yogis crafters makers hobbyists collectors homeowners renters
    tenants landlords veterans introverts extroverts grads graduates undergrads freshmen
    alumni recruiters administrators admins analysts accountants lawyers dentists
    therapists nutritionists dietitians vegans vegetarians runners lifters gymgoers gym-goers
    techies nerds geeks parents-to-be moms-to-be dads-to-be newlyweds brides grooms
    homeschoolers homemakers housewives husbands wives friends neighbors neighbours locals
    residents citizens voters volunteers donors members community audiences
    audience consumers prospects leads partners stakeholders investors shareholders
    scientists researchers academics programmers coders hackers sysadmins testers
    streamers youtubers tiktokers influencers bloggers vloggers podcasters
    principiantes estudiantes padres madres mamás papás niños niñas jóvenes adolescentes
    emprendedores profesionales familias mujeres hombres viajeros clientes usuarios
    iniciantes mães pais crianças empreendedores profissionais famílias
    débutants étudiants parents enfants familles femmes hommes entrepreneurs voyageurs
    eltern kinder studenten studierende anfänger einsteiger mütter väter familien senioren
    schüler gründer unternehmer entwickler frauen männer jugendliche lehrer profis
    principianti studenti genitori bambini famiglie donne uomini imprenditori""".split()
)

# Plural endings that usually name people ("marketers", "dentists", "Texans", "retirees").
PEOPLE_SUFFIXES = ("ers", "ors", "ists", "ians", "ees", "eurs", "ents", "ants", "ites")

# Words with a people-like ending that are things, so "for leftovers" is not an audience.
NOT_PEOPLE = frozenset(
    """leftovers burgers stickers sneakers computers flowers papers numbers markers
    containers filters chargers covers layers borders letters corners powers towers rivers
    waters orders folders posters banners trailers teasers headers printers dinners offers
    answers matters chapters characters quarters centers centres hours tours doors floors
    colors colours mirrors errors sensors monitors motors factors vectors tractors
    supplements ingredients nutrients documents payments investments moments comments
    segments elements apartments instruments treatments assignments arguments events plants
    pants restaurants giants grants variants assistants accounts amounts shirts sweaters
    lists checklists playlists waivers rollers burners heaters coolers blenders mixers
    boosters starters dividends websites sites favorites favourites trees fees
    degrees knees coffees toys games recipes ideas tips tricks hacks
    snacks meals habits routines workouts exercises tools apps books places products
    features updates ingredients fries cookies pastries pies""".split()
)

# Acronyms kept upper case when the whole brief is written in capitals.
ACRONYMS = frozenset(
    """ai ml seo sem crm erp api apis ux ui ugc roi kpi kpis b2b b2c saas hr it diy faq faqs
    usa uk eu nyc la sf ceo ceos cto ctos cfo cmo vp pm pr ppc cpc ctr aws gcp ios pc tv
    nba nfl nhl mlb fifa nasa gpt llm llms nft nfts vr ar xr 3d 2d 4k hdr adhd ptsd ibs ivf
    pcos cbd thc dm dms lgbtq lgbtq+ bbq diy dtc d2c smb smbs gdpr esg ev evs""".split()
)

# Function words that may be lower-cased when they start the topic at a sentence start.
LOWERABLE_OPENERS = frozenset(
    """how why what when where which who the a an my our your their this these those top best
    easy simple quick five three ten seven some""".split()
)
