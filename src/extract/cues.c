/* cues.c - the words that tell who speaks: speech verbs and pronouns.
 *
 * Written for accord. Verbs are listed in every form a news sentence uses
 * them ("said", "says", "say", "saying"); quotes.c tells the finite forms
 * from infinitives and participles by their neighbours. */
#include "internal.h"

const char *const cue_verbs[] = {
    "said", "says", "say", "saying", "told", "tells", "tell", "telling", "added", "adds", "add",
    "adding", "wrote", "writes", "write", "writing", "warned", "warns", "warn", "warning",
    "stated", "states", "explained", "explains", "noted", "notes", "noting", "insisted",
    "insists", "insisting", "argued", "argues", "arguing", "asked", "asks", "replied", "replies",
    "responded", "responds", "announced", "announces", "declared", "declares", "claimed",
    "claims", "claiming", "stressed", "stresses", "stressing", "continued", "cautioned",
    "cautions", "acknowledged", "acknowledges", "admitted", "admits", "recalled", "recalls",
    "commented", "comments", "suggested", "suggests", "urged", "urges", "called", "calls",
    "described", "describes", "tweeted", "tweets", "posted", "reiterated", "reiterates",
    "emphasized", "emphasised", "emphasizes", "emphasises", "mentioned", "reported", "reports",
    "remarked", "predicted", "vowed", "vows", "promised", "conceded", "complained", "concluded",
    "observed", "confirmed", "confirms", "denied", "denies", "countered", "quipped", "joked",
    "agreed", "shouted", "wondered", "boasted", "pledged", "alleged", "charged", "thundered",
    "exclaimed", "murmured", "whispered", "testified", "recounted", "insist", "explain",
    "believes", "believed", "thinks", "thought", "indicated", "indicates", "estimated", "accused",
    "accuses", "criticized", "criticised", "praised", "welcomed", "dismissed", "assured", "told",
    "writes", "texted", "messaged", "responded", "answered", "retorted", "lamented", "sighed",
    "predicts", "stressed", "blasted", "slammed", "tells", "reckoned", "opined", "proclaimed",
    NULL};

const char *const pronouns_person[] = {"he", "she", "they", "i", "we", NULL};

/* "Zelensky's comment that ...": nouns that carry what someone said. */
const char *const speech_nouns[] = {
    "comment", "comments", "remark", "remarks", "statement", "statements", "words", "claim",
    "claims", "accusation", "accusations", "warning", "message", "post", "tweet", "letter",
    "speech", "testimony", "assertion", "assertions", "suggestion", "insistence", "promise",
    "pledge", "description", "response", "reply", "answer", "view", "argument", "call",
    "demand", "demands", "threat", "interview", NULL};

/* Heads of descriptions that speak: "a US official", "sources", "the ministry". */
const char *const speaker_nouns[] = {
    "official", "officials", "source", "sources", "spokesman", "spokeswoman", "spokesperson",
    "spokespeople", "minister", "diplomat", "diplomats", "analyst", "analysts", "expert",
    "experts", "president", "ministry", "statement", "report", "police", "authorities",
    "witness", "witnesses", "resident", "residents", "aide", "aides", "adviser", "advisers",
    "advisor", "advisors", "lawmaker", "lawmakers", "leader", "leaders", "government",
    "administration", "campaign", "people", "person", "officer", "officers", "agency",
    "office", "department", "company", "spokesmen", "mayor", "governor", "secretary",
    "senator", "representative", "executive", "chief", "head", "director", "member",
    "members", "military", "army", "army's", "group", "observers", "critics", "supporters",
    "organisers", "organizers", "investigators", "prosecutors", "prosecutor", "lawyer",
    "lawyers", "attorney", "doctors", "doctor", "envoy", "negotiator", "negotiators",
    "commander", "commanders", "insiders", "insider", "staffer", "staffers", "voter", "voters",
    "economist", "economists", "strategist", "strategists", "manager", "chairman", "ceo",
    "team", "kremlin", "pentagon", "network", "newspaper", "paper", "outlet", "poll", "survey",
    "study", "website", "site", "article", "story", "memo", "document", "documents", "email",
    "emails", "filing", "filings", "data", "figures", "he", "she", NULL};
