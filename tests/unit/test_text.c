/* test_text.c - the text layer: UTF-8 repair, Latin-1, NFC, match keys,
 * paragraphs, sentences, tokens, stems and language.
 *
 * The demo tests pin every sentence of the five demo articles, written out
 * below. File 000 starts with a " date 2025-06-12 " header that ingest keeps
 * as metadata and removes before the text layer sees the text; the test
 * removes it the same way and checks the rest. The text is taken as the
 * files give it: junk inside paragraphs ("Loading", "See Also ...") is the
 * clean stage's business and stays inside its sentence here, and a credit
 * after a closing quote ("... faster.” REUTERS") is a sentence of its own. */
#include "test.h"

#include "text/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

typedef struct demo_sentence {
    unsigned paragraph;
    const char *text;
} demo_sentence;

// clang-format off
static const demo_sentence DEMO_000[] = {
    {0, "Kremlin spokesman Dmitry Peskov said some progress on a peace settlement had been made but that contacts with Washington were difficult."},
    {0, "He said Russia was striving to resolve the conflict while ensuring its own interests."},
    {0, "Moscow remained open to dialogue with the US, he said."},
    {0, "Loading US officials were also frustrated by Ukrainian President Volodymyr Zelensky’s comment this week that Trump’s special envoy, Steve Witkoff, was “spreading Russian narratives,” and said that was not helpful to the process, one US official said."},
    {0, "Putin has said he wants Ukraine to drop its NATO ambitions, permanently cede to Russia the four regions it has lost and limit the size of its army."},
    {0, "Kyiv says those demands are tantamount to demanding its capitulation."},
    {0, "See Also Son of sheriff’s deputy arrested after two killed in mass shooting at Florida university However, Bloomberg reported that Washington was prepared to recognise Russian control of the Ukrainian region of Crimea – annexed by Moscow in 2014 – as part of a broader peace agreement between Moscow and Kyiv."},
    {1, "The talks in Paris this week were the first substantive, high-level and in-person talks on Trump's peace push that have included European powers."},
    {1, "Rubio said a US peace framework he presented received an \"encouraging reception.\""},
    {1, "Zelensky's office called the talks constructive and positive."},
    {1, "Vice President J.D. Vance, speaking in Rome as he met Italian Prime Minister Giorgia Meloni, said he was optimistic the US could help end this \"very brutal war\"."},
    {1, "A US official said the sides would re-engage in London next week, giving Ukraine time to agree fully to a \"term sheet\" presented by Washington."},
    {1, "Kyiv was ready for a comprehensive ceasefire over sea, land and air for at least 30 days or longer, the official said."},
    {1, "Trump promised during his election campaign to end the war in Ukraine within his first 24 hours in the White House."},
    {1, "He moderated that claim on taking office, suggesting a deal by April or May as obstacles mounted."},
    {2, "He has pressured both sides to come to the negotiating table, threatening tougher sanctions on Russia or an end to billions of dollars in US military support for Kyiv."},
    {2, "Both Ukraine and Russia showed up for US-brokered talks in Saudi Arabia, which resulted in a partial ceasefire, but nothing more."},
    {2, "Meanwhile, the war has continued, including a recent Russian missile attack that hit Sumy in northeastern Ukraine, killing 35 people – an attack Trump called a “mistake”."},
    {2, "A source familiar with internal deliberations said Trump had made clear to his team he was questioning whether it was worthwhile sticking with the talks to break the impasse."},
    {2, "The first US official said Rubio’s comments were reflecting Trump’s frustration with the issue and a concern that this will soon be “Trump’s war”."},
    {3, "If Washington walks away, efforts to broker a peace would likely flounder because no other nation is able to bring similar pressure on both Moscow and Kyiv."},
    {3, "Other impacts are unclear."},
    {3, "The US could keep its current policy on the conflict unchanged, maintaining sanctions on Russia and keeping US aid flowing to Kyiv."},
    {3, "Alternatively, Trump could decide to halt payments to Ukraine."},
    {3, "Trump said he expected to sign a minerals deal with Kyiv this month after an attempt in February fell apart following Zelensky’s Oval Office clash with Vance and the Republican president."},
    {3, "Rubio said he spoke with Russian Foreign Minister Sergei Lavrov after the Paris talks and briefed him on elements of the US peace framework."},
    {3, "He said the Europeans had a central role to play in any peace pact, especially as their sanctions on Russia would likely need to be lifted to secure an accord."},
    {4, "Rubio said the issue of US security guarantees came up in the Paris talks, adding they were an issue “we can fix in a way that’s acceptable to everyone.”"},
    {4, "But, he cautioned, “we have bigger challenges that we need to figure out.”"},
    {4, "Meanwhile, China’s foreign ministry dismissed as “groundless” an accusation by Zelensky that the country had been supplying weapons to Russia."},
    {4, "Despite maintaining close economic ties with Russia during Moscow’s three-year war in Ukraine, China has sought to project an image of neutrality and denies any involvement in the war."},
    {4, "Friday’s disclaimer followed Zelensky’s remarks at a press conference that China was supplying weapons to Russia, while also accusing it of producing weapons on Russian territory."},
    {4, "China has never made lethal weapons available to any party to the Ukraine crisis, ministry spokesperson Lin Jian told a news conference."},
};
static const demo_sentence DEMO_001[] = {
    {0, "U.S. Secretary of State Marco Rubio stated on Friday that if there is no progress in the next few days, the U.S. might consider moving on from attempting to secure a Russia-Ukraine peace deal after months of unsuccessful efforts to halt the conflict."},
    {0, "He made these remarks in Paris following significant discussions among U.S., Ukrainian, and European officials that produced plans for peace steps and showed some positive development."},
    {0, "Another meeting is scheduled for the following week in London, and Rubio indicated that it could be crucial in determining the future involvement of the Trump administration."},
    {1, "Rubio emphasized that the U.S. has other priorities to focus on and mentioned that a decision on the matter needs to be made soon."},
    {1, "He noted that the U.S. administration is eager to make a determination within days."},
    {2, "The discussions come as the U.S. and Ukraine are close to finalizing a deal that would grant the U.S. access to Ukraine’s extensive mineral resources, which has been linked to President Donald Trump’s peace efforts."},
    {2, "Trump confirmed the progress on the minerals deal, and Ukraine’s economy minister reported that the two countries signed a memorandum of intent, with a more comprehensive agreement anticipated later."},
    {3, "Negotiations on the mineral deal had stalled in February following a tense meeting in the Oval Office involving Trump, U.S. Vice President JD Vance, and Ukrainian President Volodymyr Zelenskyy."},
    {3, "Talks have since resumed."},
    {4, "Rubio described the talks in Paris on Thursday as productive and did not blame Russia or Ukraine for hindering peace efforts."},
    {4, "He mentioned that he had informed Russian Foreign Minister Sergey Lavrov about the emerging outlines but did not disclose Lavrov’s response."},
    {5, "Kremlin spokesman Dmitry Peskov commented on Rubio’s statements, mentioning that complex negotiations are ongoing between Russia and the U.S., with no direct talks scheduled between Trump and Putin in the near future."},
    {6, "The European negotiators’ assistance was acknowledged by Rubio, who expressed that the U.K., France, and Germany can help advance progress on the matter."},
    {6, "European concerns about Trump’s approach toward Russia are growing, with these talks being the first high-level discussions since Trump’s inauguration involving American, Ukrainian, and European officials to address the conflict in Ukraine."},
    {7, "The discussions touched upon security guarantees for Ukraine’s future, but Rubio refrained from discussing any potential U.S. role in that aspect."},
    {7, "U.S. support for Ukraine is considered vital in ensuring Russia’s compliance after a peace agreement is reached."},
    {8, "Rubio and presidential envoy Steve Witkoff have been leading U.S. efforts to pursue peace, with Witkoff having met with Putin three times, according to Rubio."},
    {8, "Several negotiation rounds have taken place in Saudi Arabia."},
    {9, "Russia has been hesitant to agree to a comprehensive ceasefire advocated by Trump and endorsed by Ukraine, conditioning it on the suspension of Ukraine’s mobilization efforts and Western arms supplies, demands that Ukraine has rejected."},
    {10, "Furthermore, Russia has continued to carry out deadly strikes on Ukrainian cities, causing civilian casualties."},
    {10, "The mayor of Kharkiv reported one fatality and 98 injuries, including six children, after Russian strikes hit the city."},
    {10, "In Sumy, a bakery was targeted by Russian drones, resulting in a customer’s death and an employee’s injury."},
    {11, "The strike in Sumy was the second large-scale missile attack causing civilian casualties in just over a week, following the earlier incident in Kryvyi Rih."},
    {12, "The report was contributed by Arhirova from Kyiv, Ukraine, with additional contributions from Illia Novikov in Kyiv and Joanna Kozlowska in London."},
};
static const demo_sentence DEMO_002[] = {
    {0, "Russia sees progress in Ukraine peace talks but US relations strained"},
    {1, "Sign up now: Get ST's newsletters delivered to your inbox"},
    {2, "Kremlin spokesman Dmitry Peskov attending Russian President Vladimir Putin’s annual televised year-end press conference held in Moscow, on Dec 19, 2024."},
    {3, "PHOTO: REUTERS"},
    {4, "MOSCOW - The Kremlin said on April 18 that some progress had already been made in talks about a possible peace settlement to end the war in Ukraine, but that contacts were rather complicated with the US."},
    {5, "“Contacts are quite complicated because, naturally, the topic is not an easy one,” Kremlin spokesman Dmitry Peskov told reporters."},
    {6, "“Russia is committed to resolving this conflict, ensuring its own interests, and is open to dialogue."},
    {6, "We continue to do this.”"},
    {7, "US President Donald Trump said on April 18 that he wanted to achieve a peace deal"},
    {8, "US Secretary of State Marco Rubio, speaking earlier in Paris after meeting European and Ukrainian leaders, said the sides had just days to show progress or Washington would abandon its efforts."},
    {9, "Asked if the US could withdraw from the search for a peace settlement in Ukraine, Mr Peskov said that was a question for Washington."},
    {10, "“We believe that some progress can already be noted,” Mr Peskov said, citing a temporary moratorium on strikes against energy infrastructure, though he said Ukraine had not adhered to it."},
    {11, "\"Therefore, certain developments have already been achieved, but, of course, there are still many complex discussions ahead.\""},
    {12, "Mr Peskov, when asked if the energy moratorium was over, said that it had already been a month, but that no orders from the President had been received to change Russia’s position."},
    {13, "Mr Dmitry Medvedev, deputy head of Russia’s Security Council and a representative of Russian hawks, expressed approval for the US remarks on the X social media platform."},
    {14, "“American officials have said that if there is no progress on the Ukrainian case, the United States will wash its hands of it."},
    {14, "Wisely,” Mr Medvedev wrote in English."},
    {14, "“And the EU should do the same."},
    {14, "Then Russia will figure it out faster.”"},
    {14, "REUTERS"},
};
static const demo_sentence DEMO_003[] = {
    {0, "ARTICLE AD BOX"},
    {1, "The US will walk away from talks aimed at brokering a Russia-Ukraine peace deal within days unless there are clear signs that an agreement can be reached, US Secretary of State Marco Rubio has warned."},
    {2, "Mr Rubio’s threats came at the start of the Easter weekend, after Russia’s latest attack on Ukraine left one person dead and 98 injured in Kharkiv on Friday morning."},
    {2, "US officials said last month that the US president hoped to secure a ceasefire agreement by 20 April, a symbolic date on which both Western and Orthodox celebrations of Easter will overlap this year – and one which is fast approaching, with no deal currently in close sight."},
    {3, "Thursday had shown signs of some progress in US talks with Ukraine, after Donald Trump said he expected to sign a minerals deal with Kyiv next week."},
    {3, "Negotiations had been delayed after his explosive Oval Office clash with Ukrainian President Volodymyr Zelensky in February."},
    {4, "But in another stark shift, after meeting European and Ukrainian leaders the previous day, Mr Rubio said Mr Trump is prepared to just declare “well, we're done” on the peace talks and the US has “bigger challenges that we need to figure out”."},
    {5, "“There's no one saying this can be done in 12 hours,” he said."},
    {5, "“But we want to see how far apart it is."},
    {5, "We need to figure out here now, within a matter of days, whether this is doable in the short term, because if it's not, then I think we're just going to move on.”"},
    {6, "There was no immediate comment from Paris, London, Berlin or Kyiv on Mr Rubio's statement, although three European diplomatic sources told Reuters that his comments reflected growing frustration in the White House over Russian intransigence to end the war."},
    {7, "Kremlin spokesman Dmitry Peskov responded that some progress on a peace settlement had already been made, insisting that Russia is striving to resolve the conflict."},
    {7, "He said that Moscow remained open to dialogue with Washington but that contacts were difficult."},
    {8, "Vice President JD Vance did add later on Friday that the US is “optimistic that we can hopefully bring this war, this very brutal war, to a close”."},
    {9, "The discussions in Paris on Thursday – which Mr Zelensky's office called constructive and positive – were the first substantive, high level and in-person talks on Mr Trump's peace push that have included European powers."},
    {10, "Mr Rubio said the Europeans had a central role to play in any peace pact – especially as their Russia sanctions over which Washington has no control would likely need to be lifted to secure an accord."},
    {10, "He called the talks “constructive”, with the reception to the US peace framework he presented described as “encouraging”."},
    {11, "Mr Trump promised during his election campaign to end the war in Ukraine within his first 24 hours in the White House."},
    {11, "He then moderated that claim on taking office, as obstacles to a deal mounted."},
    {12, "Mr Trump has pressured both sides to come to the negotiating table, threatening tougher sanctions on Russia or an end to billions of dollars in US military support for Kyiv."},
    {12, "Both Ukraine and Russia showed up for US-brokered talks in Saudi Arabia, which resulted in a partial ceasefire, but nothing more."},
    {13, "Russia has kept up a series of deadly strikes on Ukrainian cities, according to officials there, wounding scores of civilians days after missiles killed at least 34 during Palm Sunday celebrations in the northern city of Sumy – an attack Mr Trump called a “mistake”."},
    {13, "The strike on Kharkiv, Ukraine's second-largest city, early in the day on Friday, struck a \"densely populated\" neighborhood four times, its mayor Ihor Terekhov reported."},
    {14, "The US and Ukraine do, however, appear to be nearing a long-delayed deal granting the US access to Ukraine's vast mineral resources, which has been intertwined with Mr Trump's peace push."},
    {14, "Mr Trump announced on Thursday, “We have a minerals deal,” and Ukraine's economy minister said the following day that the two countries signed a memorandum of intent ahead of a possible fuller agreement later."},
    {15, "But if Washington walks away from ceasefire talks, efforts to broker a peace would likely flounder because no other nation is able to bring similar pressure on both Moscow and Kyiv."},
    {16, "Russian President Vladimir Putin has said he wants Ukraine to drop its ambitions to join NATO, Russia to control the entirety of four Ukrainian regions it has claimed as its own, and the size of the Ukrainian army to be limited."},
    {16, "Kyiv says those demands are tantamount to demanding its capitulation."},
};
static const demo_sentence DEMO_004[] = {
    {0, "Conflicting reports on the agreement between Russia and Ukraine on ending the war"},
    {1, "US Secretary of State Marco Rubio said in an interview that some progress had been made in talks with Russia to end the war with Ukraine."},
    {2, "“What we’ve tried to do, and I think we’ve made some progress on, is figure out what Ukrainians can live with that gives them security guarantees for the future,” Rubio told Fox News."},
    {3, "He added that the United States hopes the settlement will allow them to not only rebuild their economy, but also prosper as a nation."},
    {4, "On the other hand, the Kremlin announced on Tuesday evening that no settlement had been reached on the occupied territories in Ukraine, after hours of talks between Vladimir Putin and US envoy Steve Witkoff, who presented the Russian president with Washington’s plan to end nearly four years of war in Ukraine."},
    {5, "Kremlin diplomatic adviser Yuri Ushakov said in response to a journalist’s question about the occupied Ukrainian territories: “So far we have not reached a settlement, but it’s possible to discuss some American proposals.”"},
    {6, "He explained that the talks have been very useful and constructive, but that there is still a lot of work to reach an agreement."},
    {7, "After this meeting with the Russians in Moscow, Steve Witkoff and Jared Kushner may meet a delegation from Kyiv in Europe on Wednesday, a Ukrainian source said."},
    {8, "Before the meeting began, Putin accused Europeans of seeking to obstruct US efforts to end the war."},
    {9, "“Europe has done that and it has begun, we are ready now,” Putin said."},
    {10, "NATO Secretary-General Mark Rutte expressed confidence on Tuesday that US efforts would bring peace to Europe."},
    {11, "For his part, US President Donald Trump stressed on Tuesday that resolving the conflict in Ukraine is a complex issue, “it’s not easy, believe me,” he said."},
    {12, "Ukrainian President Volodymyr Zelensky accused Moscow of taking advantage of the negotiations to try to weaken the sanctions imposed on it."},
    {13, "During a visit to Ireland, he called for an end to the war, not just a truce in the fighting."},
    {14, "Zelensky, who is facing mounting political and military pressure, received a strong dose of support on Monday from his French counterpart Emmanuel Macron, who reiterated the Europeans’ mobilization to ensure a “just and lasting peace”."},
    {15, "Macron welcomed the US mediation efforts, but made it clear that no plan is done today in the strict sense of the word."},
    {16, "“It can only be accomplished with Europeans around the table,” he said."},
    {17, "Europeans fear a deal between Washington and Moscow at the expense of Ukraine."},
    {18, "The talks are taking place as Russian forces continue to put pressure on Ukraine."},
    {19, "According to the Institute for the Study of War, which works with the Critical Threats Project, showed that in November the Russian military made its biggest advance on the front in Ukraine in a year."},
    {20, "In one month, Russia controlled 701 square kilometers in Ukraine, its second-largest advance after its 725 square kilometers in November 2024, excluding the early months of the war in spring 2022."},
    {21, "On Monday, Russia announced its control of the eastern city of Pokrovsk, which is a supply line for Ukrainian forces."},
    {22, "Kyiv said fighting was still going on inside the city and that Russian forces had been forced to retreat after raising their flag."},
    {23, "But Putin reiterated in a press briefing in Moscow on Tuesday that Pokrovsk was entirely in the hands of the Russian armed forces, calling on any journalist who doubted it to visit the city."},
    {24, "“I suggested that your colleagues, including foreigners, go to Krasnoyarmysk (the name that was given to Pokrovsk during the Soviet era) to see for themselves what is happening there,” he said."},
    {25, "In November, Russia fired more missiles and drones in its nighttime attacks than in the previous month."},
    {26, "The number of projectiles reached 5,600 drones and missiles, an increase of 2%."},
    {27, "Domestically, Zelensky is facing a corruption scandal that has tarnished the government’s reputation and ousted Ukraine’s top presidential staffer, Andriy Yermak, who was forced to resign."},
};
// clang-format on

/* ---- helpers ------------------------------------------------------------- */

/* Checks the structural invariants every analysis must keep. */
static void check_doc(const text_doc *d)
{
    size_t next_tok = 0, next_sent = 0;
    uint32_t prev_end = 0;
    for (size_t p = 0; p < d->n_paragraphs; p++) {
        const text_paragraph *pp = &d->paragraphs[p];
        CHECK(pp->start < pp->end && pp->end <= d->len);
        CHECK(pp->start >= prev_end);
        CHECK(pp->first_sentence == next_sent && pp->n_sentences > 0);
        prev_end = pp->end;
        for (size_t s = pp->first_sentence; s < pp->first_sentence + pp->n_sentences; s++) {
            REQUIRE(s < d->n_sentences);
            const text_sentence *ss = &d->sentences[s];
            CHECK(ss->paragraph == p);
            CHECK(ss->start >= pp->start && ss->end <= pp->end && ss->start < ss->end);
            CHECK(ss->first_token == next_tok && ss->n_tokens > 0);
            REQUIRE(ss->first_token + ss->n_tokens <= d->n_tokens);
            CHECK(d->tokens[ss->first_token].start == ss->start);
            CHECK(d->tokens[ss->first_token + ss->n_tokens - 1].end == ss->end);
            next_tok = ss->first_token + ss->n_tokens;
        }
        next_sent = pp->first_sentence + pp->n_sentences;
    }
    CHECK(next_sent == d->n_sentences);
    CHECK(next_tok == d->n_tokens);
    for (size_t t = 0; t < d->n_tokens; t++) {
        CHECK(d->tokens[t].start < d->tokens[t].end && d->tokens[t].end <= d->len);
        if (t) CHECK(d->tokens[t].start >= d->tokens[t - 1].end);
        CHECK(d->tokens[t].kind >= TOK_WORD && d->tokens[t].kind <= TOK_PUNCT);
    }
}

/* The sentences of text, as one string with " | " between them. */
static char *sentences_of(const char *text)
{
    arena a;
    arena_init(&a);
    text_doc d;
    buf b = BUF_INIT;
    if (text_analyze(&a, text, strlen(text), &d) == 0) {
        check_doc(&d);
        for (size_t s = 0; s < d.n_sentences; s++) {
            if (s) buf_puts(&b, " | ");
            buf_append(&b, text + d.sentences[s].start, d.sentences[s].end - d.sentences[s].start);
        }
    }
    arena_free(&a);
    if (!b.data) buf_puts(&b, "");
    return buf_detach(&b);
}

#define CHECK_SENTENCES(text, want)                                                                \
    do {                                                                                           \
        char *got_ = sentences_of(text);                                                           \
        CHECK_STR(got_, want);                                                                     \
        free(got_);                                                                                \
    } while (0)

/* The tokens of text as "text/kind/flags" joined by spaces. */
static char *tokens_of(const char *text)
{
    arena a;
    arena_init(&a);
    text_doc d;
    buf b = BUF_INIT;
    if (text_analyze(&a, text, strlen(text), &d) == 0) {
        check_doc(&d);
        for (size_t t = 0; t < d.n_tokens; t++) {
            const text_token *k = &d.tokens[t];
            if (t) buf_putc(&b, ' ');
            buf_append(&b, text + k->start, k->end - k->start);
            buf_printf(&b, "/%c", "?WNPU"[k->kind]);
            if (k->flags & TOKF_CAPITALISED) buf_putc(&b, 'c');
            if (k->flags & TOKF_ALLCAPS) buf_putc(&b, 'a');
            if (k->flags & TOKF_SENT_START) buf_putc(&b, 's');
        }
    }
    arena_free(&a);
    if (!b.data) buf_puts(&b, "");
    return buf_detach(&b);
}

#define CHECK_TOKENS(text, want)                                                                   \
    do {                                                                                           \
        char *got_ = tokens_of(text);                                                              \
        CHECK_STR(got_, want);                                                                     \
        free(got_);                                                                                \
    } while (0)

static void check_demo(const char *path, const demo_sentence *want, size_t n_want)
{
    size_t len = 0;
    char *raw = test_read_file(path, &len);
    REQUIRE(raw != NULL);
    const char *text = raw;
    static const char header[] = " date 2025-06-12 ";
    if (len >= sizeof header - 1 && memcmp(raw, header, sizeof header - 1) == 0) {
        text += sizeof header - 1;
        len -= sizeof header - 1;
    }
    arena a;
    arena_init(&a);
    text_doc d;
    CHECK(text_analyze(&a, text, len, &d) == 0);
    check_doc(&d);
    CHECK(d.n_sentences == n_want);
    for (size_t i = 0; i < n_want && i < d.n_sentences; i++) {
        const text_sentence *s = &d.sentences[i];
        size_t n = s->end - s->start;
        if (n != strlen(want[i].text) || memcmp(text + s->start, want[i].text, n) != 0 ||
            s->paragraph != want[i].paragraph) {
            fprintf(stderr, "    %s sentence %zu: got [%u] \"%.*s\"\n    want [%u] \"%s\"\n", path,
                    i, s->paragraph, (int)n, text + s->start, want[i].paragraph, want[i].text);
            test_current_failed = 1;
        }
    }
    arena_free(&a);
    free(raw);
}

#define DEMO(id, file)                                                                             \
    check_demo("../../data/demo/" file, DEMO_##id, sizeof DEMO_##id / sizeof DEMO_##id[0])

/* ---- the demo corpus ----------------------------------------------------------- */

TEST(text_demo_000_sentences)
{
    DEMO(000, "000_16b94be4e16100e7.txt");
}
TEST(text_demo_001_sentences)
{
    DEMO(001, "001_9cf57e1aec268059.txt");
}
TEST(text_demo_002_sentences)
{
    DEMO(002, "002_fdafb20dd39c0d62.txt");
}
TEST(text_demo_003_sentences)
{
    DEMO(003, "003_f8f6c89b85bfc837.txt");
}
TEST(text_demo_004_sentences)
{
    DEMO(004, "004_3bdb60a11d8d6c44.txt");
}

TEST(text_demo_paragraphs)
{
    /* paragraph counts: blank lines and single newlines both end one */
    static const struct {
        const char *file;
        size_t paragraphs;
    } want[] = {{"000_16b94be4e16100e7.txt", 5},
                {"001_9cf57e1aec268059.txt", 13},
                {"002_fdafb20dd39c0d62.txt", 15},
                {"003_f8f6c89b85bfc837.txt", 17},
                {"004_3bdb60a11d8d6c44.txt", 28}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, "../../data/demo/%s", want[i].file);
        size_t len;
        char *raw = test_read_file(path, &len);
        REQUIRE(raw != NULL);
        arena a;
        arena_init(&a);
        text_doc d;
        CHECK(text_analyze(&a, raw, len, &d) == 0);
        CHECK(d.n_paragraphs == want[i].paragraphs);
        arena_free(&a);
        free(raw);
    }
}

/* ---- sentence splitting: the hard cases ------------------------------------------ */

TEST(text_sentences_titles)
{
    CHECK_SENTENCES("Mr. Smith met Dr. Jones and Mrs. Brown. Ms. Lee was not there.",
                    "Mr. Smith met Dr. Jones and Mrs. Brown. | Ms. Lee was not there.");
    CHECK_SENTENCES("Sen. Lindsey Graham and Gen. Mark Milley spoke. Gov. Kathy Hochul did not.",
                    "Sen. Lindsey Graham and Gen. Mark Milley spoke. | Gov. Kathy Hochul did not.");
    CHECK_SENTENCES("Lt. Col. John Smith, Rep. Jane Doe and Sam Roe Jr. met in St. Louis.",
                    "Lt. Col. John Smith, Rep. Jane Doe and Sam Roe Jr. met in St. Louis.");
    CHECK_SENTENCES("Mr Trump spoke. Mr Rubio listened.", "Mr Trump spoke. | Mr Rubio listened.");
}

TEST(text_sentences_acronyms_and_initials)
{
    CHECK_SENTENCES("The U.S. and the U.K. agreed. The U.N. did not.",
                    "The U.S. and the U.K. agreed. | The U.N. did not.");
    CHECK_SENTENCES("Aid came from the U.S. The next day it stopped.",
                    "Aid came from the U.S. | The next day it stopped.");
    CHECK_SENTENCES(
        "Vice President J.D. Vance spoke. U.S. Secretary of State Marco Rubio did too.",
        "Vice President J.D. Vance spoke. | U.S. Secretary of State Marco Rubio did too.");
    CHECK_SENTENCES("George W. Bush and J. K. Rowling met.",
                    "George W. Bush and J. K. Rowling met.");
    CHECK_SENTENCES("It ended in the U.S.\xe2\x80\x9d He left.",
                    "It ended in the U.S.\xe2\x80\x9d | He left.");
    CHECK_SENTENCES("They met at 5 p.m. Then they left.", "They met at 5 p.m. | Then they left.");
}

TEST(text_sentences_dates_and_numbers)
{
    CHECK_SENTENCES("On Dec. 19 the talks began. On Jan. 20, Feb. 3 and Sept. 11 they met.",
                    "On Dec. 19 the talks began. | On Jan. 20, Feb. 3 and Sept. 11 they met.");
    CHECK_SENTENCES("No. 10 Downing Street said no. The talks went on.",
                    "No. 10 Downing Street said no. | The talks went on.");
    CHECK_SENTENCES("Crimea was annexed in 2014. The war began in 2022.",
                    "Crimea was annexed in 2014. | The war began in 2022.");
    CHECK_SENTENCES("Prices rose 2.5 points, or 12.5%, and 5,600 people left. 1,000,000 came.",
                    "Prices rose 2.5 points, or 12.5%, and 5,600 people left. | 1,000,000 came.");
    CHECK_SENTENCES("Apple Inc. The company said so. Acme Inc. Chief Executive Jo Poe agreed.",
                    "Apple Inc. | The company said so. | Acme Inc. Chief Executive Jo Poe agreed.");
}

TEST(text_sentences_quotes)
{
    CHECK_SENTENCES("He said it was \xe2\x80\x9cthe end.\xe2\x80\x9d Then he left.",
                    "He said it was \xe2\x80\x9cthe end.\xe2\x80\x9d | Then he left.");
    CHECK_SENTENCES("\"We won.\" He smiled.", "\"We won.\" | He smiled.");
    CHECK_SENTENCES("\"Did we win?\" he asked. \"Yes!\" she said.",
                    "\"Did we win?\" he asked. | \"Yes!\" she said.");
    CHECK_SENTENCES("He called it a \xe2\x80\x9cmistake\xe2\x80\x9d. Others did not.",
                    "He called it a \xe2\x80\x9cmistake\xe2\x80\x9d. | Others did not.");
    CHECK_SENTENCES(
        "\xe2\x80\x9cIt is over,\xe2\x80\x9d he said. \xe2\x80\x9cWe go home.\xe2\x80\x9d",
        "\xe2\x80\x9cIt is over,\xe2\x80\x9d he said. | \xe2\x80\x9cWe go home.\xe2\x80\x9d");
    CHECK_SENTENCES("He left (for good). She stayed.", "He left (for good). | She stayed.");
    /* a quoted question with its speaker after it is one sentence */
    CHECK_SENTENCES(
        "\xe2\x80\x9cWhy now?\xe2\x80\x9d Trump asked. \"Stop!\" Mr Smith shouted. Is it "
        "over? Trump said no.",
        "\xe2\x80\x9cWhy now?\xe2\x80\x9d Trump asked. | \"Stop!\" Mr Smith shouted. | Is "
        "it over? | Trump said no.");
}

TEST(text_sentences_detached_quotes)
{
    /* text joined from tokens puts spaces around closing quotes */
    CHECK_SENTENCES("\"It is over. \" He left.", "\"It is over. \" | He left.");
    CHECK_SENTENCES("She said: \xe2\x80\x9cWe go. \xe2\x80\x9d Then we left.",
                    "She said: \xe2\x80\x9cWe go. \xe2\x80\x9d | Then we left.");
    /* an even number of quotes before it: this one opens the next sentence */
    CHECK_SENTENCES("He left. \" We stay,\" she said.", "He left. | \" We stay,\" she said.");
    CHECK_SENTENCES("\u00abC'est fini. \u00bb Il part.", "\u00abC'est fini. \u00bb | Il part.");
}

TEST(text_sentences_other_abbreviations)
{
    CHECK_SENTENCES("Bring food, water, etc. The rest is here.",
                    "Bring food, water, etc. | The rest is here.");
    CHECK_SENTENCES("Bring food, water, etc. and wait.", "Bring food, water, etc. and wait.");
    CHECK_SENTENCES(
        "He met the Rev. Larry Kroon in Wasilla, Alaska. Then he left for Calif. on Sunday.",
        "He met the Rev. Larry Kroon in Wasilla, Alaska. | Then he left for Calif. on Sunday.");
    /* a decimal broken by a space is not a sentence end */
    CHECK_SENTENCES("A 6. 1 magnitude quake hit. It cost $2. 5 million.",
                    "A 6. 1 magnitude quake hit. | It cost $2. 5 million.");
}

TEST(text_sentences_question_exclamation_ellipsis)
{
    CHECK_SENTENCES("Is it over? Yes! It is.", "Is it over? | Yes! | It is.");
    CHECK_SENTENCES("Really?! No.", "Really?! | No.");
    CHECK_SENTENCES("He waited... and waited. Then... The end.",
                    "He waited... and waited. | Then... | The end.");
    CHECK_SENTENCES("It was\xe2\x80\xa6 fine. Yes.", "It was\xe2\x80\xa6 fine. | Yes.");
    CHECK_SENTENCES("Visit example.com today. Ok.", "Visit example.com today. | Ok.");
    CHECK_SENTENCES("\xe4\xbb\x96\xe6\x9d\xa5\xe4\xba\x86\xe3\x80\x82\xe5\xa5\xb9\xe8\xb5\xb0\xe4"
                    "\xba\x86\xe3\x80\x82",
                    "\xe4\xbb\x96\xe6\x9d\xa5\xe4\xba\x86\xe3\x80\x82 | "
                    "\xe5\xa5\xb9\xe8\xb5\xb0\xe4\xba\x86\xe3\x80\x82");
}

TEST(text_paragraphs_and_lines)
{
    arena a;
    arena_init(&a);
    text_doc d;
    const char *t = "Headline without a period\n\n\n  Body one. Body two.  \r\nLast line\n \t\n";
    CHECK(text_analyze(&a, t, strlen(t), &d) == 0);
    check_doc(&d);
    REQUIRE(d.n_paragraphs == 3);
    CHECK(d.n_sentences == 4);
    CHECK(d.paragraphs[1].n_sentences == 2);
    CHECK(memcmp(t + d.paragraphs[1].start, "Body one.", 9) == 0);
    CHECK(t[d.paragraphs[1].end - 1] == '.' && d.paragraphs[1].end - d.paragraphs[1].start == 19);
    CHECK(d.sentences[0].end - d.sentences[0].start == strlen("Headline without a period"));
    CHECK(d.sentences[3].paragraph == 2);

    CHECK(text_analyze(&a, "", 0, &d) == 0);
    CHECK(d.n_paragraphs == 0 && d.n_sentences == 0 && d.n_tokens == 0);
    CHECK(text_analyze(&a, " \n\n\t \r\n", 7, &d) == 0);
    CHECK(d.n_paragraphs == 0 && d.n_tokens == 0);
    arena_free(&a);
}

/* ---- tokens -------------------------------------------------------------------------- */

TEST(text_tokens_words_numbers)
{
    CHECK_TOKENS(
        "Ukraine\xe2\x80\x99s re-engage second-largest 5,600 2.5 12% U.S.",
        "Ukraine\xe2\x80\x99s/Wcs re-engage/W second-largest/W 5,600/N 2.5/N 12%/P U.S./Wca");
    CHECK_TOKENS("We're NATO's 12.5% (35-year-old) 19th 1990s 10km F-16 COVID-19",
                 "We're/Wcs NATO's/Wca 12.5%/P (/U 35-year-old/W )/U 19th/N 1990s/N 10/N km/W "
                 "F-16/Wc COVID-19/Wca");
    CHECK_TOKENS("\xe2\x80\x9cIt\xe2\x80\x99s done,\xe2\x80\x9d he said...",
                 "\xe2\x80\x9c/U It\xe2\x80\x99s/Wcs done/W ,/U \xe2\x80\x9d/U he/W said/W .../U");
    CHECK_TOKENS(
        "U.S.-brokered talks; negotiators\xe2\x80\x99 aid 2014-2015",
        "U.S.-brokered/Wcs talks/W ;/U negotiators/W \xe2\x80\x99/U aid/W 2014/N -/U 2015/N");
    CHECK_TOKENS(
        "Zelenskyy \xc3\x89lys\xc3\xa9\x65 Stra\xc3\x9f\x65 \xd0\x9a\xd0\x98\xd0\x87\xd0\x92",
        "Zelenskyy/Wcs \xc3\x89lys\xc3\xa9\x65/Wc Stra\xc3\x9f\x65/Wc "
        "\xd0\x9a\xd0\x98\xd0\x87\xd0\x92/Wca");
    /* 5,60 is not a thousands group; 1,234.5 is */
    CHECK_TOKENS("5,60 1,234.5", "5/Ns ,/U 60/N 1,234.5/N");
}

TEST(text_tokens_sentence_start_flag)
{
    CHECK_TOKENS("\xe2\x80\x9cWe go.\xe2\x80\x9d Then 5 left.",
                 "\xe2\x80\x9c/U We/Wcs go/W ./U \xe2\x80\x9d/U Then/Wcs 5/N left/W ./U");
}

TEST(text_analyze_invalid_utf8_does_not_break)
{
    /* unrepaired bytes become punctuation tokens; the scan still ends */
    const char t[] = "Bad \xff\xfe bytes. \xe2\x80 Cut\xc3";
    arena a;
    arena_init(&a);
    text_doc d;
    CHECK(text_analyze(&a, t, sizeof t - 1, &d) == 0);
    check_doc(&d);
    CHECK(d.n_sentences == 1 && d.n_tokens == 9); /* Bad ff fe bytes . e2 80 Cut c3 */
    arena_free(&a);
}

/* ---- UTF-8, Latin-1, NFC, match keys -------------------------------------------------- */

TEST(text_utf8_valid_and_repair)
{
    size_t bad = 0;
    CHECK(text_utf8_valid("plain ascii", 11, &bad) && bad == SIZE_MAX);
    CHECK(text_utf8_valid("Zelensky\xe2\x80\x99s \xf0\x9f\x98\x80", 17, &bad));
    CHECK(!text_utf8_valid("ab\xc0\xaf", 4, &bad) && bad == 2);       /* overlong */
    CHECK(!text_utf8_valid("\xed\xa0\x80", 3, &bad) && bad == 0);     /* surrogate */
    CHECK(!text_utf8_valid("\xf4\x90\x80\x80", 4, &bad) && bad == 0); /* > U+10FFFF */
    CHECK(!text_utf8_valid("a\0b", 3, &bad) && bad == 1);             /* NUL */
    CHECK(!text_utf8_valid("abc\xe2\x80", 5, &bad) && bad == 3);      /* truncated */

    buf b = BUF_INIT;
    CHECK(text_utf8_repair("a\xff"
                           "b\xc3",
                           4, &b, &bad) == 2);
    CHECK(bad == 1);
    CHECK_STR(buf_cstr(&b), "a\xef\xbf\xbd"
                            "b\xef\xbf\xbd");
    buf_clear(&b);
    CHECK(text_utf8_repair("x\xe2\x80y", 4, &b, &bad) == 2 && bad == 1);
    CHECK_STR(buf_cstr(&b), "x\xef\xbf\xbd\xef\xbf\xbdy");
    buf_clear(&b);
    CHECK(text_utf8_repair("fine \xe2\x80\x9cok\xe2\x80\x9d", 13, &b, &bad) == 0 &&
          bad == SIZE_MAX);
    CHECK_STR(buf_cstr(&b), "fine \xe2\x80\x9cok\xe2\x80\x9d");
    buf_clear(&b);
    CHECK(text_utf8_repair("a\0b", 3, &b, &bad) == 1 && bad == 1);
    CHECK_STR(buf_cstr(&b), "a\xef\xbf\xbd"
                            "b");
    CHECK(text_utf8_valid(b.data, b.len, NULL));
    buf_free(&b);
}

TEST(text_latin1)
{
    buf b = BUF_INIT;
    text_latin1_to_utf8("caf\xe9 \x93quoted\x94 \x80 5\xb0 na\xefve", 24, &b);
    CHECK_STR(buf_cstr(&b),
              "caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x82\xac 5\xc2\xb0 na\xc3\xafve");
    CHECK(text_utf8_valid(b.data, b.len, NULL));
    buf_free(&b);
}

TEST(text_nfc_and_newlines)
{
    buf b = BUF_INIT;
    CHECK(text_nfc("Cafe\xcc\x81 Zelensky\xe2\x80\x99s", 19, &b) == 0);
    CHECK_STR(buf_cstr(&b), "Caf\xc3\xa9 Zelensky\xe2\x80\x99s");
    buf_clear(&b);
    CHECK(text_nfc("one\r\ntwo\rthree\n", 15, &b) == 0);
    CHECK_STR(buf_cstr(&b), "one\ntwo\nthree\n");
    buf_clear(&b);
    CHECK(text_nfc("caf\xc3\xa9\r\n", 7, &b) == 0);
    CHECK_STR(buf_cstr(&b), "caf\xc3\xa9\n");
    buf_clear(&b);
    /* NFC keeps compatibility characters: the ligature stays */
    CHECK(text_nfc("\xef\xac\x81nal", 6, &b) == 0);
    CHECK_STR(buf_cstr(&b), "\xef\xac\x81nal");
    buf_clear(&b);
    /* invalid input is repaired, not refused */
    CHECK(text_nfc("a\xff", 2, &b) == 0);
    CHECK_STR(buf_cstr(&b), "a\xef\xbf\xbd");
    buf_free(&b);
}

TEST(text_nfc_stream_safe)
{
    /* 40 alternating marks on one base: U+034F goes in after the 30th, so
     * the cost of reordering marks stays linear */
    buf in = BUF_INIT, out = BUF_INIT;
    buf_puts(&in, "a");
    for (int i = 0; i < 20; i++)
        buf_puts(&in, "\xcc\x81\xcc\xa3");
    CHECK(text_nfc(in.data, in.len, &out) == 0);
    CHECK(out.len == in.len + 2);
    const char *cgj = strstr(buf_cstr(&out), "\xcd\x8f");
    CHECK(cgj != NULL && cgj - out.data == 1 + 30 * 2);
    buf_clear(&out);
    CHECK(text_match_key(in.data, in.len, &out) == 0);
    CHECK(strstr(buf_cstr(&out), "\xcd\x8f") != NULL);
    buf_free(&in);
    buf_free(&out);
}

static void check_key(const char *in, const char *want)
{
    buf b = BUF_INIT;
    CHECK(text_match_key(in, strlen(in), &b) == 0);
    CHECK_STR(buf_cstr(&b), want);
    buf_free(&b);
}

TEST(text_match_keys)
{
    check_key("\xe2\x80\x9cZelensky\xe2\x80\x99s\xe2\x80\x9d", "\"zelensky's\"");
    check_key("Zelensky\xe2\x80\x99s", "zelensky's");
    check_key("Zelensky's", "zelensky's");
    check_key("Russia\xe2\x80\x93Ukraine \xe2\x80\x94 talks", "russia-ukraine - talks");
    check_key("\xc2\xab"
              "Bonjour\xc2\xbb \xe2\x80\xb9oui\xe2\x80\xba \xe2\x80\x9enein\xe2\x80\x9c",
              "\"bonjour\" 'oui' \"nein\"");
    check_key("\xe2\x80\x98single\xe2\x80\x99 it\xca\xbcs", "'single' it's");
    check_key("\xef\xac\x81nal STRASSE Stra\xc3\x9f\x65", "final strasse strasse");
    check_key("Cafe\xcc\x81 CAF\xc3\x89", "caf\xc3\xa9 caf\xc3\xa9");
    check_key("\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3", "abc"); /* fullwidth */
    check_key("co\xc2\xadoperate", "cooperate");              /* soft hyphen ignored */
}

/* ---- stems and language ----------------------------------------------------------------- */

TEST(text_stems)
{
    text_stemmer *s = text_stemmer_new("en");
    REQUIRE(s != NULL);
    size_t n = 0;
    const char *r = text_stem(s, "running", 7, &n);
    CHECK(n == 3 && memcmp(r, "run", 3) == 0);
    r = text_stem(s, "negotiations", 12, &n);
    CHECK(n == 6 && memcmp(r, "negoti", 6) == 0);
    r = text_stem(s, "talks", 5, &n);
    CHECK(n == 4 && memcmp(r, "talk", 4) == 0);
    /* again, from the cache, and a word too long for it */
    for (int i = 0; i < 3; i++) {
        r = text_stem(s, "talks", 5, &n);
        CHECK(n == 4 && strcmp(r, "talk") == 0);
        r = text_stem(s, "running", 7, &n);
        CHECK(n == 3 && strcmp(r, "run") == 0);
        r = text_stem(s, "internationalizations", 21, &n);
        CHECK(n == 11 && strcmp(r, "internation") == 0);
        r = text_stem(s, "counterrevolutionaries", 22, &n);
        CHECK(n == 20 && strcmp(r, "counterrevolutionari") == 0);
        r = text_stem(s, "antidisestablishmentarianisms", 29, &n);
        CHECK(n == 25 && strcmp(r, "antidisestablishmentarian") == 0);
    }
    text_stemmer_free(s);

    s = text_stemmer_new("fr");
    REQUIRE(s != NULL);
    r = text_stem(s, "n\xc3\xa9gociations", 13, &n);
    CHECK(n == 7 && memcmp(r, "n\xc3\xa9goci", 7) == 0);
    text_stemmer_free(s);

    s = text_stemmer_new("xx"); /* unknown: English */
    REQUIRE(s != NULL);
    r = text_stem(s, "talks", 5, &n);
    CHECK(n == 4 && memcmp(r, "talk", 4) == 0);
    text_stemmer_free(s);
}

TEST(text_languages)
{
    size_t len;
    char *raw = test_read_file("../../data/demo/001_9cf57e1aec268059.txt", &len);
    REQUIRE(raw != NULL);
    double conf = 0;
    CHECK_STR(text_language(raw, len, &conf), "en");
    CHECK(conf > 0.8 && conf <= 1.0);
    free(raw);
    const char *fr =
        "Le Kremlin a indiqu\xc3\xa9 vendredi que des progr\xc3\xa8s avaient \xc3\xa9t\xc3\xa9 "
        "r\xc3\xa9\x61lis\xc3\xa9s dans les discussions sur un r\xc3\xa8glement de paix en "
        "Ukraine, mais que les contacts avec Washington restaient difficiles.";
    CHECK_STR(text_language(fr, strlen(fr), &conf), "fr");
    const char *de =
        "Der Kreml erkl\xc3\xa4rte am Freitag, dass bei den Gespr\xc3\xa4\x63hen \xc3\xbc\x62\x65r "
        "eine Friedensregelung in der Ukraine Fortschritte erzielt worden seien, die "
        "Kontakte mit Washington aber schwierig blieben.";
    CHECK_STR(text_language(de, strlen(de), &conf), "de");
    const char *he =
        "\xd7\x94\xd7\xa7\xd7\xa8\xd7\x9e\xd7\x9c\xd7\x99\xd7\x9f "
        "\xd7\x90\xd7\x9e\xd7\xa8 \xd7\xa9\xd7\x94\xd7\xaa\xd7\xa7\xd7\x93\xd7\x9e\xd7\x95\xd7\xaa "
        "\xd7\xa0\xd7\xa2\xd7\xa9\xd7\xaa\xd7\x94 \xd7\x91\xd7\xa9\xd7\x99\xd7\x97\xd7\x95\xd7\xaa "
        "\xd7\xa2\xd7\x9c \xd7\x94\xd7\xa1\xd7\x93\xd7\xa8 \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d "
        "\xd7\x91\xd7\x90\xd7\x95\xd7\xa7\xd7\xa8\xd7\x90\xd7\x99\xd7\xa0\xd7\x94, "
        "\xd7\x90\xd7\x91\xd7\x9c "
        "\xd7\x94\xd7\xa7\xd7\xa9\xd7\xa8\xd7\x99\xd7\x9d \xd7\xa2\xd7\x9d "
        "\xd7\x95\xd7\x95\xd7\xa9\xd7\x99\xd7\xa0\xd7\x92\xd7\x98\xd7\x95\xd7\x9f "
        "\xd7\xa0\xd7\xa9\xd7\x90\xd7\xa8\xd7\x95 \xd7\xa7\xd7\xa9\xd7\x99\xd7\x9d.";
    CHECK_STR(text_language(he, strlen(he), &conf), "he"); /* CLD2 says iw */
    CHECK_STR(text_language("12345 !!! 678", 13, &conf), "und");
    CHECK(conf == 0);
    CHECK_STR(text_language("", 0, NULL), "und");
}

/* NFC takes shortcuts around utf8proc; it must agree with utf8proc's own
 * NFC for every code point, alone and after an ASCII letter, and for
 * sequences of letters with combining marks and Hangul jamo. */
static char *reference_nfc(const char *s, size_t n, size_t *out_len)
{
    utf8proc_uint8_t *dst = NULL;
    utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &dst,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_NLF2LF);
    if (r < 0) return NULL;
    *out_len = (size_t)r;
    return (char *)dst;
}

static int nfc_agrees(const char *s, size_t n)
{
    buf b = BUF_INIT;
    size_t rn = 0;
    char *ref = reference_nfc(s, n, &rn);
    int ok = ref && text_nfc(s, n, &b) == 0 && b.len == rn && memcmp(buf_cstr(&b), ref, rn) == 0;
    free(ref);
    buf_free(&b);
    return ok;
}

TEST(text_nfc_agrees_with_utf8proc)
{
    int bad = 0;
    for (int32_t c = 0x80; c <= 0x10FFFF && bad < 5; c++) {
        if (c >= 0xD800 && c <= 0xDFFF) continue;
        if (c > 0x2FFFF && c < 0xE0000) continue; /* unassigned planes */
        char s[16] = "a";
        utf8proc_ssize_t n = utf8proc_encode_char(c, (utf8proc_uint8_t *)s + 1);
        s[1 + n] = 'b';
        /* alone, after a letter, and followed by a combining mark */
        int was = bad;
        if (!nfc_agrees(s + 1, (size_t)n) || !nfc_agrees(s, (size_t)n + 2)) bad++;
        memcpy(s + 1 + n, "\xcc\x81", 2);
        if (!nfc_agrees(s, (size_t)n + 3)) bad++;
        if (bad > was) fprintf(stderr, "    NFC disagrees at U+%04X\n", (unsigned)c);
    }
    CHECK(bad == 0);
    static const char *const cases[] = {
        "Cafe\xcc\x81 cre\xcc\x80me \xe1\x84\x80\xe1\x85\xa1\xe1\x86\xa8 \xea\xb0\x80\xe1\x86\xa8",
        "a\xcc\xa3\xcc\x87 s\xcc\x87\xcc\xa3 \xe2\x84\xab \xe2\x84\xa6 x\r\ny\rz\xc2\x85w",
        "\xcc\x81 leading mark, \xc3\xa9\xcc\x81 double, \xe0\xa6\x95\xe0\xa7\x87\xe0\xa6\xbe",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK(nfc_agrees(cases[i], strlen(cases[i])));
}
