"""What the people in the demo stories write: each request's own words, and the replies that go
with each step of a conversation, so a message always fits its ticket and the status it leaves."""

from __future__ import annotations

# Subject → the customer's description when opening the request.
DESCRIPTIONS = {
    "Cannot reset my password": "The reset email never arrives, not even in the spam folder. "
    "I tried three times this morning.",
    "SSO login loops back to the sign-in page": "After signing in with our identity provider we land "
    "on the sign-in page again, in every browser.",
    "Add a new admin to our workspace": "Our new IT lead needs admin rights; the invite button is "
    "greyed out for me.",
    "Two-factor codes are rejected": "Every code from the authenticator app is refused as invalid, "
    "for two people on our team.",
    "Invoice shows the wrong VAT number": "The last invoice carries our old VAT number, so finance "
    "cannot book it.",
    "Charged twice this month": "Our card was charged twice for the same monthly plan on the 1st.",
    "Need a copy of last year's invoices": "Our auditors ask for all invoices of last year in one file.",
    "Switch us to annual billing": "We would like to move from monthly to annual billing from the "
    "next renewal.",
    "Export to CSV never finishes": "The CSV export of our projects stays at 'preparing' for hours "
    "and never arrives.",
    "Dashboard is very slow since Monday": "The dashboard takes over a minute to load since Monday; "
    "it used to take two seconds.",
    "Reports show yesterday's numbers": "The daily report still shows yesterday's figures at noon.",
    "Mobile app crashes on start": "The mobile app closes right after the splash screen on our "
    "Android phones.",
    "Search returns no results for exact names": "Searching for a customer's exact name finds "
    "nothing, but part of the name finds them.",
    "Webhook deliveries fail with 502": "Our webhook endpoint gets nothing; the delivery log shows "
    "502 for every attempt since last night.",
    "API returns 429 below our limit": "We get 429 responses at about 100 requests a minute, well "
    "below the limit of our plan.",
    "Salesforce sync duplicates contacts": "Every sync run creates a second copy of contacts that "
    "changed in Salesforce.",
    "OAuth token expires after an hour": "Our integration's OAuth token stops working after an hour "
    "even though we refresh it.",
    "Suspicious login from an unknown country": "The security log shows a sign-in to my account from "
    "a country none of us has been to.",
    "Possible data leak in shared links": "A shared link to an internal report opened for someone "
    "outside our company.",
    "Request for our latest penetration test report": "Our security review needs your latest "
    "penetration test summary.",
    "How do I archive old projects?": "We have many finished projects cluttering the list; how can "
    "we archive them?",
    "Where can I change the language?": "Some of our users want the interface in German; where is that set?",
    "Feature request: dark mode": "Several of our agents work at night and would love a dark theme.",
    "Question about data retention": "How long do you keep deleted projects, and can we shorten that?",
}

# The customer writing again before anyone answered, or after an answer that left it open.
FOLLOW_UPS = (
    "Any news on this? It still happens for us today.",
    "One more detail: it happens for everyone on our team, not only me.",
    "This is becoming urgent for us; is there anything we can do meanwhile?",
)
# The customer answering an agent's question.
ANSWERS = (
    "It happened at about 9:40 our time; the screenshot is attached to this reply.",
    "We use the latest Chrome and Firefox on Windows 11; both show the same thing.",
    "Done: we tried again after signing out and in, and the result is the same.",
)
# An agent's first word on a ticket that stays open: they are working on it.
ACKNOWLEDGEMENTS = (
    "Thanks for the details, I can reproduce it and I am looking into it.",
    "Thank you for reporting this. I am checking our logs now and will update you here.",
)
# An agent asking the customer something: the ticket then waits on the customer.
QUESTIONS = (
    "Could you send us the time it happened and a screenshot?",
    "Which browser and version do you use, and does it happen in a private window too?",
    "Could you try once more after signing out and in, and tell us whether it changes anything?",
)
# An agent telling the customer the ticket waits on someone else.
HOLDS = (
    "We are waiting for our payment provider to confirm the details; I will write as soon as they answer.",
    "Our operations team has scheduled the change for tonight's maintenance window; I will confirm "
    "here when it is done.",
)
VENDOR_HOLD = (
    "Our cloud provider is working on the root cause under their reference {reference}. I will "
    "update you as soon as they report progress."
)
# An agent solving the ticket: the last word of a solved or closed ticket.
SOLUTIONS = (
    "A fix is in place on our side; please try again, and reply here if anything still fails.",
    "This is a known issue and the workaround is to clear the cached session; the permanent fix "
    "has now shipped.",
    "We have made the change you asked for; it is active from today. I am marking this as solved.",
)
VENDOR_SOLUTION = (
    "Our cloud provider has fixed the root cause ({reference}) and we have confirmed it on your "
    "account. I am marking this as solved."
)
DEFLECTION_ANSWER = (
    "Our help article on this walks through it step by step; I have linked it here. Reply if it "
    "does not solve it for you."
)
NOTES = (
    "Customer is on the legacy plan; check the old export path.",
    "Same symptom as last week's incident, linking the two.",
    "Asked engineering on the incident channel.",
)
# A specialist handing a ticket back down, with what the lower tier should do.
HANDBACKS = (
    "Configuration fixed on our side; please confirm with the customer that it works now.",
    "Known issue with a documented workaround; send them the workaround article and follow up.",
)
