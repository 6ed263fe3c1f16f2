"""The names and words of the demo data set."""

from __future__ import annotations

from app.domain.vocabulary import AccountTier, LifecycleStage, LoyaltySegment

DEMO_PASSWORD = "tierdesk-demo"
ADMIN_EMAIL = "admin@demo.test"
CUSTOMER_EMAIL = "customer@demo.test"

STAFF = (
    # email, name, tier, team name. Customers read the names on replies: ordinary names, so
    # nothing in them hints at a tier.
    ("frontline@demo.test", "Frida Lindqvist", 1, "Frontline"),
    ("technical@demo.test", "Theo Marsh", 2, "Technical"),
    ("expert@demo.test", "Esther Okoye", 3, "Expert"),
    ("vendor@demo.test", "Victor Hale", 4, "CloudCo (vendor)"),
)

CANNED_REPLIES = (
    # title, body: shared replies every agent can insert into a reply
    (
        "Greeting and next step",
        "Hello {{customer.name}},\n\nthank you for writing to us about {{ticket.reference}}. "
        "I am looking into it now and will update you here within the day.\n\n{{agent.name}}",
    ),
    (
        "Need more details",
        "Hello {{customer.name}},\n\nto get {{ticket.reference}} moving, could you send the exact "
        "steps you took, the time it happened and a screenshot if you have one?\n\n{{agent.name}}",
    ),
    (
        "Passed to our specialists",
        "Hello {{customer.name}},\n\nI have passed {{ticket.reference}} to our specialists, who "
        "will pick it up shortly. You do not need to do anything.\n\n{{agent.name}}",
    ),
)

ORGANIZATIONS = (
    # name, account tier, lifecycle, loyalty, lifetime value in whole units
    (
        "Globex Corporation",
        AccountTier.strategic,
        LifecycleStage.expansion,
        LoyaltySegment.active_loyal,
        1_850_000,
    ),
    ("Initech", AccountTier.strategic, LifecycleStage.retention, LoyaltySegment.active_disloyal, 940_000),
    ("Umbrella Health", AccountTier.named, LifecycleStage.retention, LoyaltySegment.habitual_loyal, 410_000),
    ("Stark Logistics", AccountTier.named, LifecycleStage.advocacy, LoyaltySegment.active_loyal, 380_000),
    ("Wayne Foods", AccountTier.named, LifecycleStage.activation, None, 120_000),
    ("Hooli Retail", AccountTier.field, LifecycleStage.acquisition, LoyaltySegment.situational_loyal, 64_000),
    ("Vandelay Imports", AccountTier.field, LifecycleStage.retention, LoyaltySegment.active_disloyal, 52_000),
    ("Acme Bakery", AccountTier.inside, LifecycleStage.activation, LoyaltySegment.habitual_loyal, 8_400),
    ("Pied Piper", AccountTier.inside, LifecycleStage.consideration, None, 2_100),
    ("Soylent Labs", AccountTier.inside, LifecycleStage.awareness, LoyaltySegment.situational_loyal, 900),
)

FIRST_NAMES = (
    "Alice",
    "Bruno",
    "Chen",
    "Dana",
    "Emeka",
    "Fatima",
    "Goran",
    "Hana",
    "Ivan",
    "Jonas",
    "Keiko",
    "Luis",
    "Maya",
    "Nils",
    "Olga",
    "Priya",
    "Quinn",
    "Rosa",
)
LAST_NAMES = (
    "Andersen",
    "Bauer",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "García",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Novak",
    "Okafor",
    "Petrov",
)

SUBJECTS = {
    "account": (
        "Cannot reset my password",
        "SSO login loops back to the sign-in page",
        "Add a new admin to our workspace",
        "Two-factor codes are rejected",
    ),
    "billing": (
        "Invoice shows the wrong VAT number",
        "Charged twice this month",
        "Need a copy of last year's invoices",
        "Switch us to annual billing",
    ),
    "technical": (
        "Export to CSV never finishes",
        "Dashboard is very slow since Monday",
        "Reports show yesterday's numbers",
        "Mobile app crashes on start",
        "Search returns no results for exact names",
    ),
    "integration": (
        "Webhook deliveries fail with 502",
        "API returns 429 below our limit",
        "Salesforce sync duplicates contacts",
        "OAuth token expires after an hour",
    ),
    "security": (
        "Suspicious login from an unknown country",
        "Possible data leak in shared links",
        "Request for our latest penetration test report",
    ),
    "general": (
        "How do I archive old projects?",
        "Where can I change the language?",
        "Feature request: dark mode",
        "Question about data retention",
    ),
}

ESCALATIONS = (
    ("needs_expertise", "Needs log analysis beyond frontline tools."),
    ("sla_risk", "Resolution target at risk; needs a specialist now."),
    ("customer_request", "Customer asked for an engineer to call them."),
)
VENDOR_REASON = ("vendor_issue", "Root cause is in the cloud provider's storage service.")
DEFLECTION = ("workaround_provided", "A help article answers this; the customer can follow it alone.")

TIMEZONES = (
    "America/New_York",
    "Europe/Berlin",
    "Europe/London",
    "Asia/Tokyo",
    "America/Los_Angeles",
    "Europe/Paris",
)
TOUCHPOINTS = (
    ("business_relationship", "Quarterly business review with the account team"),
    ("promotion", "Invited to the spring release webinar"),
    ("product_experience", "Joined the beta of the new reporting module"),
    ("brand_experience", "Visited our booth at the trade fair"),
    ("lead_user", "Shared a detailed feature proposal for exports"),
    ("public_relations", "Quoted in our customer story"),
    ("customer_service", "Onboarding call for new administrators"),
)
CSAT_COMMENTS = (
    "Quick and friendly, thank you!",
    "Took too long to get an answer.",
    "Solved, but I had to explain it twice.",
    "",
    "Great support as always.",
)
