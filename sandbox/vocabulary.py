"""Word lists the generated store draws its names, people and places from."""

PRODUCT_ADJECTIVES = (
    "Classic", "Everyday", "Organic", "Vintage", "Compact", "Deluxe", "Handmade", "Rustic",
    "Modern", "Essential", "Premium", "Travel", "Heritage", "Nordic", "Coastal", "Urban",
)
PRODUCT_MATERIALS = (
    "Linen", "Ceramic", "Oak", "Cotton", "Wool", "Leather", "Glass", "Copper",
    "Bamboo", "Stoneware", "Canvas", "Walnut", "Steel", "Cork", "Marble", "Brass",
)
PRODUCT_NOUNS = (
    "Towel", "Mug", "Journal", "Tote Bag", "Candle", "Planter", "Jar", "Scarf",
    "Apron", "Coaster Set", "Lamp", "Blanket", "Bowl", "Tray", "Backpack", "Bottle",
)
BRANDS = ((36, "Common Good"), (37, "Smith Journal"), (38, "OFS"), (39, "Sagaform"), (40, "Fog Linen"))
CATEGORIES = ((18, "Bath"), (19, "Garden"), (21, "Kitchen"), (23, "Shop All"), (24, "Publications"))

# The storefront's variant options: 5 sizes x 6 colours gives the 30-variant product.
SIZES = ("S", "M", "L", "XL", "XXL")
COLOURS = ("Red", "Blue", "Beige", "Black", "Olive", "Grey")

FIRST_NAMES = (
    "Jane", "John", "María José", "Zoë", "Jürgen", "Siobhán", "Liam", "Aisha",
    "Chen", "Olivia", "Mateus", "Yuki", "Noah", "Fatima", "Ólafur", "Priya",
)
LAST_NAMES = (
    "Doe", "Smith", "García", "Müller", "O'Brien", "Nguyen", "Kowalski", "Dubois",
    "Okafor", "Ólafsdóttir", "Rossi", "Tanaka", "Haddad", "Johansson", "Silva", "Patel",
)
EMAIL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example.com")

# (city, state, zip, country, country_iso2, street)
ADDRESSES = (
    ("Austin", "Texas", "78751", "United States", "US", "455 Main Street"),
    ("Portland", "Oregon", "97205", "United States", "US", "1200 SW Park Ave"),
    ("Brooklyn", "New York", "11201", "United States", "US", "88 Court St Apt 4"),
    ("London", "", "EC1A 1BB", "United Kingdom", "GB", "10 Aldersgate Street"),
    ("Berlin", "Berlin", "10115", "Germany", "DE", "Invalidenstraße 117"),
    ("Montréal", "Quebec", "H2X 1Y4", "Canada", "CA", "1455 Rue Peel"),
    ("Sydney", "New South Wales", "2000", "Australia", "AU", "666 Sussex St"),
    ("Lyon", "", "69002", "France", "FR", "12 Rue de la République"),
)

# Names that break naive code: emoji, right-to-left scripts, and BigCommerce's 250-character maximum.
EMOJI_NAME = "Party Mug 🎉☕ Limited Edition"
RIGHT_TO_LEFT_NAME = "كوب قهوة خزفي - ספל קרמיקה"
LONG_NAME = ("Extra Long Organic Cotton Bath Towel With Hand-Stitched Border In Natural Undyed Fibres, "
             "Made To Order In Small Batches By Our Partner Weavers, Suitable For Everyday Use And Gifting, "
             "Machine Washable At Forty Degrees Celsius")[:250].ljust(250, ".")
HTML_DESCRIPTION = (
    "<p><strong>Hand-made</strong> in small batches.</p>"
    "<ul><li>Dishwasher safe</li><li>Holds 350&nbsp;ml</li></ul>"
    "<p>Care: <em>rinse before first use</em> &amp; avoid <a href=\"https://example.com/care\">abrasives</a>.</p>"
)

# Businesses that buy from the store (billing company; those abroad give a VAT number).
COMPANY_NAMES = ("Müller Handels GmbH", "Acme Supplies Ltd", "Café du Coin SARL", "Northwind Traders", "Ólafsson ehf.",
                 "Tanaka Shōji K.K.", "Silva & Filhos Lda", "Patel Wholesale Inc.")
