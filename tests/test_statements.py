"""Fact / opinion / intention classification: cue families, holders, subjects, rules loading, dev-corpus score."""
from __future__ import annotations

import importlib.util
import json
import time
from pathlib import Path

import pytest
import yaml

from benchmarks.statements_eval import line_blocks, statement_scores
from redactor.analyse.pattern_words import leading_words
from redactor.analyse.sentences import split_sentences
from redactor.analyse.statement_rules import RULES_FILE, load_rules_file, parse_rules, statement_rules
from redactor.analyse.statements import _hits, classify_sentence, classify_statements, opinions_about_people
from redactor.errors import RulesError
from redactor.findings import Span, Statement
from tests.conftest import REQUIRE_CORPUS

RULES = statement_rules()
EVAL_DIR = Path(__file__).resolve().parents[1].parent / "shared/eval"
GOLD = EVAL_DIR / "corpus/dev/gold"


def one(text: str) -> Statement:
    return classify_sentence(text, 0, len(text))


# --- the examples carried by the rules file --------------------------------------------------------

@pytest.mark.parametrize("family, sentence", [(f.name, s) for f in RULES.families for s in f.examples_match])
def test_rule_examples_match(family: str, sentence: str) -> None:
    fam = next(f for f in RULES.families if f.name == family)
    assert family in {h.cue.family for h in _hits(sentence, RULES, 1.0)}
    assert one(sentence).kind == fam.kind


@pytest.mark.parametrize("family, sentence", [(f.name, s) for f in RULES.families for s in f.examples_no_match])
def test_rule_examples_no_match(family: str, sentence: str) -> None:
    assert family not in {h.cue.family for h in _hits(sentence, RULES, 1.0)}


@pytest.mark.parametrize("sentence", RULES.facts)
def test_rule_fact_examples(sentence: str) -> None:
    assert one(sentence).kind == "fact"


def test_every_family_has_examples() -> None:
    for fam in RULES.families:
        assert fam.examples_match and fam.examples_no_match, fam.name


# --- cue families, positive and negative side by side -----------------------------------------------

@pytest.mark.parametrize("sentence, kind, family", [
    # reporting verbs of cognition and evaluation
    ("The health visitor felt that Mother was coping well.", "opinion", "cognition"),
    ("Father believed the school had reported him.", "opinion", "cognition"),
    ("The review team considers that the plan was unrealistic.", "opinion", "cognition"),
    ("The teacher thought he was hungry.", "opinion", "cognition"),
    ("Staff were concerned that the baby had lost weight.", "opinion", "emotion"),
    ("The grandmother was worried about the children.", "opinion", "emotion"),
    ("In our view the referral should have been made sooner.", "opinion", "opinion_noun"),
    # reported speech whose complement is itself an opinion
    ("She told the GP that she felt unsupported.", "opinion", "cognition"),
    ("Mother said the meetings left her feeling judged.", "opinion", "emotion"),
    # modals and hedges
    ("It is likely that the injuries were non-accidental.", "opinion", "hedge"),
    ("The bruise may have been caused by a fall.", "opinion", "hedge"),
    ("It is not possible to say whether the outcome would have differed.", "opinion", "hedge"),
    ("The child appeared withdrawn.", "opinion", "hedge"),
    ("Possibly the letter was never received.", "opinion", "hedge"),
    # evaluative adjectives and verbs
    ("Information sharing between agencies was poor.", "opinion", "evaluative"),
    ("The response was prompt and thorough.", "opinion", "evaluative"),
    ("Mother was unable to prioritise the children's needs.", "opinion", "evaluative"),
    ("The plan overstated the father's engagement.", "opinion", "evaluative"),
    ("Agencies failed to share what they knew.", "opinion", "evaluative"),
    # intentions
    ("Father said he intended to move back to Glasgow.", "intention", "intention_verb"),
    ("The family planned to withdraw the child from nursery.", "intention", "intention_verb"),
    ("She wants to move nearer her mother.", "intention", "intention_verb"),
    ("The service is going to offer evening clinics.", "intention", "intention_verb"),
    ("Mother said she would attend the next appointment.", "intention", "intention_verb"),
    ("The police agreed to share the bail conditions with the school.", "intention", "intention_verb"),
    ("The chair will write to the family next week.", "intention", "future_agent"),
    ("I'll phone you tomorrow.", "intention", "future_agent"),
    ("The report will be published once proceedings end.", "intention", "future_passive"),
    ("Book the venue for the practitioner event.", "intention", "action_item"),
])
def test_cue_family_positive(sentence: str, kind: str, family: str) -> None:
    st = one(sentence)
    assert (st.kind, st.cue_family) == (kind, family), st


@pytest.mark.parametrize("sentence", [
    # reported facts: said / noted / recorded / reported with a factual complement
    "Mother said that the baby had fallen from the sofa.",
    "The nurse noted a bruise on the left cheek.",
    "The GP recorded that the child had a temperature.",
    "Police reported that both adults had been drinking.",
    "The IRD record notes \"no injuries\" and \"Mother cooperative\".",
    "The school told social work that he had missed five days.",
    # hypotheticals: conditions and procedures are not opinions or intentions
    "If a child is not brought, the health visitor will contact the family.",
    "If you are dissatisfied with this response, you may ask for a review.",
    "If you would like to discuss this, please call.",
    # negations: a missing action is still a fact
    "The referral was not passed to the named person.",
    "No crime was established.",
    "Father was not invited to the planning meeting.",
    # intentions against past actions
    "The social worker visited on Thursday and agreed a safety plan.",
    "The CPC agreed to proceed to a review on 14 March 2023.",
    "Mother failed to attend the appointment on 9 August.",
    "The meeting was due to take place in May.",
    "Will Hunter collected the children.",
    "Hope went to nursery three days a week.",
    # appearance in court, considered at a meeting, concern reports
    "Father appeared at the Sheriff Court on 20 January.",
    "The case was considered at the IRD.",
    "Police shared a concern report with the health visitor.",
    # headings and labels
    "Effective practice",
])
def test_cue_family_negative(sentence: str) -> None:
    st = one(sentence)
    assert st.kind == "fact", st


@pytest.mark.parametrize("sentence, kind", [
    ("I do not think the bruise changes the outcome.", "opinion"),       # negated cognition is still a view
    ("She did not feel listened to.", "opinion"),
    ("He said he did not intend to return to the house.", "intention"),
    ("Do you think the school knew?", "fact"),                           # a question asks, it does not state
])
def test_negations_and_questions(sentence: str, kind: str) -> None:
    assert one(sentence).kind == kind


# --- kinds of writing the cues were not first written for (GUIDE: statements) --------------------------

@pytest.mark.parametrize("sentence, kind, family", [
    # recommendations and what someone should or must do
    ("The Partnership should commission a single neglect toolkit.", "opinion", "obligation"),
    ("Schools must share attendance data weekly.", "opinion", "obligation"),
    ("Health visitors need to see the baby at every visit.", "opinion", "obligation"),
    ("The review recommends that the CPC publishes a transfer protocol.", "opinion", "recommendation"),
    ("It is recommended that a single chronology is kept.", "opinion", "recommendation"),
    ("Recommendation 4: The health board should audit missed appointments.", "opinion", "recommendation"),
    ("The GP advised the mother to bring the baby back in two days.", "opinion", "recommendation"),
    # assessments
    ("The duty manager's assessment was that the home was safe.", "opinion", "opinion_noun"),
    ("Risk was judged to be moderate.", "opinion", "cognition"),
    ("Worry re neglect at home.", "opinion", "opinion_noun"),
    # accounts of motive, belief or feeling given to a review
    ("Father told the reviewer that he kept the baby in the car to let his partner sleep.", "opinion", "account"),
    ("She told the review that she did it to keep him safe.", "opinion", "account"),
    ("He said he had not called the police because he thought it would make things worse.", "opinion", "cognition"),
    # attitude and feeling words without a reporting verb
    ("The school expressed concern about his weight loss.", "opinion", "attitude"),
    ("The Board sympathises with the family.", "opinion", "attitude"),
    ("It is hoped that the new protocol will help.", "opinion", "attitude"),
    ("The decision came as a complete surprise to the family.", "opinion", "judgement_informal"),
    ("Mum was feeling tearful after the meeting.", "opinion", "attitude"),
    ("It is respectfully submitted that an order is necessary.", "opinion", "attitude"),
    # the review's own judgements in report-speak
    ("There are lessons here for all agencies.", "opinion", "recommendation"),
    ("The report identifies a number of good practices.", "opinion", "recommendation"),
    ("Child C was a well cared for child.", "opinion", "evaluative"),
    # short evaluative notes and verbless assessments in notes and table cells
    ("Sounds reasonable.", "opinion", "note_assessment"),
    ("Risk rising.", "opinion", "note_assessment"),
    ("Risk now high.", "opinion", "note_assessment"),
    ("Possible neglect indicator.", "opinion", "note_assessment"),
    ("Likely non-accidental.", "opinion", "note_assessment"),
    ("Improving.", "opinion", "note_assessment"),
    ("Concerns escalating.", "opinion", "note_assessment"),
    ("Feeding well.", "opinion", "note_assessment"),
    # informal writing
    ("im so fed up.", "opinion", "attitude"),
    ("the school were useless.", "opinion", "judgement_informal"),
    ("I'm not convinced he is involved.", "opinion", "cognition"),
    # note-style action points and plans
    ("Case to be stepped down to a child's plan.", "intention", "note_plan"),
    ("Obtain school records.", "intention", "action_item"),
    ("Request GP records.", "intention", "action_item"),
    ("Will phone dad tomorrow.", "intention", "note_plan"),
    ("Strategy meeting planned for 3/4.", "intention", "note_plan"),
    ("Core group to be arranged within ten days.", "intention", "note_plan"),
    ("Action: HV to offer enhanced contact.", "intention", "note_plan"),
    ("Police to check PNC for the partner.", "intention", "note_action"),
    ("Review in three weeks.", "intention", "note_plan"),
    ("Strategy discussion Monday.", "intention", "note_plan"),
    ("Clinic slot offered 4/3.", "intention", "note_plan"),
    ("A case conference had been arranged for the next month.", "intention", "note_plan"),
    # wishes and demands in letters, expectations of others
    ("i want someone to ring me.", "intention", "intention_verb"),
    ("if nobody replies ill go to the papers.", "intention", "note_plan"),
    ("If I do not hear back by Friday I will complain to my MSP.", "intention", "note_plan"),
    # verbless bookings with a date, a deadline or "today"
    ("Next core group 20/4.", "intention", "note_plan"),
    ("Core group within 10 working days.", "intention", "note_plan"),
    ("Referral to Children's Services today.", "intention", "note_plan"),
    # plain words for views, feelings and intent
    ("The teacher reckons it is the same group of boys.", "opinion", "cognition"),
    ("kayleigh loves them kids.", "opinion", "cognition"),
    ("Mum is doing better.", "opinion", "evaluative"),
    ("Mother is protective but struggling.", "opinion", "evaluative"),
    ("It shames her.", "opinion", "attitude"),
    ("Not sure what to make of that yet.", "opinion", "attitude"),
    ("She told the review she means to stay nearby.", "intention", "intention_verb"),
    # hedged notes after a semicolon or comma
    ("Late booking; possible concealment.", "opinion", "note_assessment"),
    ("Low mood ++, likely PND.", "opinion", "note_assessment"),
    # wanting a worker removed
    ("i want sian taken off our case.", "intention", "intention_verb"),
    # bookings with a longer description before the date
    ("Joint protocol interviews with both children by 12/12.", "intention", "note_plan"),
    ("Strategy discussion with police and health at 13:30 today.", "intention", "note_plan"),
    # polite requests to do something
    ("Please book an interpreter for any meeting with the mother.", "intention", "action_item"),
    # longer verbless ratings
    ("Low risk at present; family open to support.", "opinion", "note_assessment"),
    ("Strategy meeting booked for Weds 3/10 at 1.30.", "intention", "note_plan"),
    # advice is a recommendation only when it says what should be done
    ("The paediatrician advised that the baby should be weighed weekly.", "opinion", "recommendation"),
    # an account whose quoted words are a feeling or a judgement
    ('His written account states that the girl was "shaking and very frightened".', "opinion", "account"),
    ('She said she was "tired of everything".', "opinion", "account"),
    # a verbless note that something is not a worry
    ("Seasonal travel; not in itself a welfare concern.", "opinion", "note_assessment"),
    # a longer note subject before "to be done"
    ("Joint investigative interview of the child under the national interview model to be arranged within ten days.",
     "intention", "note_plan"),
    # who is to go where, in note style
    ("Concern form to go to the social worker today.", "intention", "note_action"),
    ("Keyworker to go with mum to the dentist.", "intention", "note_action"),
    # informal accusations and hurt in letters and chat
    ("she put in her report that i was drunk which is a lie.", "opinion", "judgement_informal"),
    ("nobody listens to me they have made there minds up.", "opinion", "judgement_informal"),
    ("cant my mum is being a psycho", "opinion", "judgement_informal"),
    ("she is judging him on one stupid thing.", "opinion", "judgement_informal"),
    # first-person present progressive for what the writer is about to do (chat, e-mail)
    ("im coming home now", "intention", "future_agent"),
    ("I'm ringing the police now.", "intention", "future_agent"),
    ("I'm ringing the police", "intention", "future_agent"),  # a chat line, no full stop, is no heading
    ("ill be going to the paper on monday.", "intention", "future_agent"),
    ("me n jo will be round sat", "intention", "future_agent"),
    # note-style imperatives: re- verbs, asking a named person, closing with advice
    ("Rebook and liaise with the school nurse.", "intention", "action_item"),
    ("Rewrite sections 2 and 4 with the family.", "intention", "action_item"),
    ("Ask Mum about a meeting at school.", "intention", "action_item"),
    ("Close with signposting to the family centre.", "intention", "action_item"),
    # verbless ratings and progress in notes and table cells
    ("Moderate and rising.", "opinion", "note_assessment"),
    ("Much better week.", "opinion", "note_assessment"),
    ("No new concerns.", "opinion", "note_assessment"),
    ("Nursery worried.", "opinion", "note_assessment"),
    ("Home warm and tidy.", "opinion", "note_assessment"),
    # OCR reading l as 1 inside a word
    ("We wi11 write again within 14 days.", "intention", "future_agent"),
    ("Mrs Kerr fee1s she has co-operated fu11y.", "opinion", "cognition"),
    ("The family expects the panel to meet in May.", "intention", "intention_verb"),
    ("Yes, I'll be there.", "intention", "future_agent"),
])
def test_unfamiliar_writing_positive(sentence: str, kind: str, family: str) -> None:
    st = one(sentence)
    assert (st.kind, st.cue_family) == (kind, family), st


@pytest.mark.parametrize("sentence", [
    # factual sentences with an evaluative adjective in a descriptive sense
    "The child had significant injuries to the head and face.",
    "The paediatrician diagnosed severe growth failure.",
    "The family kept an aggressive dog in the yard.",
    "Heart failure was recorded as the cause of death.",
    "The concern form was sent to the wrong email address.",
    "CT complained of low mood and poor sleep.",
    # thinking verbs in a non-mental sense
    "The hearing considers evidence from both parents.",
    "The panel met to consider the implications of the report.",
    "The Sheriff had to consider the implications for the children.",
    "Officers tried to establish who might have been responsible.",
    # scope and method statements, findings of what records show
    "The Review considered the period from January 2021 to March 2023.",
    "The review covered the eighteen months before the incident.",
    "The review found that three agencies held different dates of birth.",
    "Finding 3: verbal referrals from health were not followed up.",
    # contents lines and headings
    "Contents ........ 3",
    "Poor information sharing between agencies ..... 12",
    "Lessons for Agencies Working With Families",
    "Conclusions and Lessons Learned Page 40",
    "Summary of Practice Learning Page 11- 26",
    "3.2 Key practice episodes 11",
    # courtesies, rules restated, corrections and conditions
    "I would like to express my condolences to the family.",
    "We would like to thank everyone who took part.",
    "The chair reminded members that papers must stay on the secure drive.",
    "The minutes were approved with one correction: the date should read 16 June.",
    "Should you wish to discuss this, please call the office.",
    # events in notes that look like plans or imperatives
    "She went to visit her mother in Leeds.",
    "Home visit to see the baby.",
    "The meeting planned for 3 May was cancelled.",
    "Contact attempted by phone.",
    "Text sent to the mother's mobile.",
    "Referral sent to Gateway 15/10.",
    "Low Moor Primary School.",
    "Not a concern form but a letter.",
    'He said the car was "parked outside the shop".',
    'Mum texted the office: "running late sorry".',
    "The officer advised that the family were known to social work in 2018.",
    "Police advised that two domestic incidents are held on the system.",
    "Please contact me if you have any questions.",
    "Please see the attached chronology.",
    "High Street surgery.",
    "Late booking at 22 weeks; midwife informed.",
    "Strategy discussion with police and health held at 13:30 today.",
    "The teacher reckoned up the dinner money.",
    "The protective order was served on Friday.",
    "She used to go to the youth club.",
    "He was not allowed to go to the party.",
    "The court was asked to judge the application.",
    "Mother was asked whether she had told a lie.",
    "I was coming home from school when it happened.",
    "I am seeing a counsellor every week.",
    "Mrs Hay from school will be there.",
    "Ask Dad was the name of the helpline.",
    "Close to the school there is a park.",
    "No new referrals.",
    "High Street, Dunfermline.",
    "Home visit 3/4, no answer, card left.",
    "Seen in clinic 10/3 with the 1st child.",
    "AUDIT score 24.",
    "Participants agreed to be named in these notes.",
    "He was the first to be told.",
    "Happy to discuss.",
    "Will comes every second weekend.",
    "The child was ill on Monday.",
    "Urine tox positive for methadone.",
    "Police advised the mother of the date of the hearing.",
    "The recommendations were implemented in 2021.",
    "The child, aged four, is not able to express a view.",
    # accounts that only report events
    "Ms Boyd said that she collected the children at three and took them to her sister's.",
    "She said the baby had been sick twice in the night.",
])
def test_unfamiliar_writing_negative(sentence: str) -> None:
    st = one(sentence)
    assert st.kind == "fact", st


@pytest.mark.parametrize("sentence, holder", [
    ("Mother told the review that she did it to keep him safe.", "Mother"),
    ("Father told the reviewer that he kept the baby in the car to let his partner sleep.", "Father"),
    ("Health states the risk is low.", "Health"),
    ("The review recommends that the CPC publishes a transfer protocol.", "The review"),
    ("It is recommended that a single chronology is kept.", "the review"),
    ("Recommendation 4: The health board should audit missed appointments.", "the review"),
    ("The supporting social worker advised that the child should not be approached.", "The supporting social worker"),
    ("The family expects the panel to meet in May.", "The family"),
    ("i want someone to ring me.", "I"),
    ("Action: HV to offer enhanced contact.", "HV"),
    ("SW to complete a single agency assessment.", "SW"),
    ("The review found that practitioners were not curious about who lived there.", "The review"),
    ("In the reporter's view, compulsory measures are necessary.", "the reporter"),
    ("The nursery manager expressed concern about the child's weight.", "The nursery manager"),
])
def test_holder_of_accounts_and_recommendations(sentence: str, holder: str) -> None:
    st = one(sentence)
    assert st.holder == holder, st
    assert sentence[st.cue_start:st.cue_end] == st.cue and st.cue


def test_implied_holder_has_no_offsets() -> None:
    st = one("It is recommended that a single chronology is kept.")
    assert (st.holder, st.holder_start, st.holder_end) == ("the review", -1, -1)


def test_shoulds_under_a_recommendations_heading_are_the_reviews() -> None:
    text = "Recommendations\nSchools must share attendance data weekly.\nBackground\nParents must register a birth."
    out = classify_statements(text, line_blocks(text))
    assert [(text[s.start:s.end], s.holder) for s in out if s.kind == "opinion"] == [
        ("Schools must share attendance data weekly.", "the review"), ("Parents must register a birth.", "")]


def test_informal_message_is_split_and_classified() -> None:
    text = "hi its me again. im so fed up. the school were useless. i want someone to ring me"
    out = classify_statements(text, None)
    assert [text[s.start:s.end] for s in out] == [
        "hi its me again.", "im so fed up.", "the school were useless.", "i want someone to ring me"]
    assert [s.kind for s in out] == ["fact", "opinion", "opinion", "intention"]


# --- holder and subject -------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, holder, subject", [
    ("The social worker felt that Mother was minimising her drinking.", "The social worker", "Mother"),
    ("The review team considers that information sharing was poor.", "The review team", ""),
    ("Mother believed the school did not listen to her.", "Mother", ""),
    ("She told the GP that she felt unsupported.", "She", ""),
    ("The consultant's opinion was that Child A's injuries were inflicted.", "The consultant", "Child A"),
    ("In my view the request is likely to be repeated.", "I", ""),
    ("Looking back, we believe both pieces of information were relevant.", "we", ""),
    ("HV described the parents as \"tired but coping well\".", "HV", "the parents"),
    ("Father said he intended to move back to Glasgow.", "Father", ""),
    ("The Chair will send this note to Mother.", "The Chair", "Mother"),
    ("It is likely that the injuries were non-accidental.", "", ""),
    ("Mother was unable to prioritise the children's needs.", "", "Mother"),
])
def test_holder_and_subject(sentence: str, holder: str, subject: str) -> None:
    st = one(sentence)
    assert st.holder == holder
    assert st.subject == subject
    if holder and holder not in ("I", "we"):
        assert sentence[st.holder_start:st.holder_end] == holder
    if subject:
        assert sentence[st.subject_start:st.subject_end] == subject
    assert sentence[st.cue_start:st.cue_end] == st.cue and st.cue
    assert 0.5 <= st.confidence <= 1.0


def test_unattributed_opinion_flag() -> None:
    assert one("Mother was unable to prioritise the children's needs.").unattributed_opinion
    assert not one("The review team considers that Mother was unable to cope.").unattributed_opinion
    assert not one("It is likely that the injuries were inflicted.").unattributed_opinion  # hedged, not as fact
    assert not one("The health visitor visited on Monday.").unattributed_opinion


def test_every_sentence_is_classified_with_offsets() -> None:
    text = "1.1 The nurse visited. She felt the home was cold.\nThe Chair will write to Mother."
    blocks = line_blocks(text)
    out = classify_statements(text, blocks)
    assert [s.kind for s in out] == ["fact", "opinion", "intention"]
    assert text[out[0].start:out[0].end] == "The nurse visited."


def test_opinions_about_people_groups_by_person() -> None:
    text = "Joanne felt that Cat was coping. Cat said she would move. The nurse visited Cat."
    sts = classify_statements(text, None)
    spans = [Span(m, m + 3, "PERSON", 1.0, "Cat", "test", "") for m in (17, 33, 76)]
    groups = opinions_about_people(sts, spans, text)
    assert len(groups) == 1 and groups[0]["person"] == "Cat"
    assert [s["kind"] for s in groups[0]["statements"]] == ["opinion", "intention"]  # the fact is left out
    assert groups[0]["statements"][0]["text"].startswith("Joanne felt")


# --- rules loading ----------------------------------------------------------------------------------

def test_rules_load_once() -> None:
    assert statement_rules() is statement_rules()
    assert len(load_rules_file(RULES_FILE).cues) == len(RULES.cues)


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["families"]["hedge"]["cues"][0].update(pattern="(unclosed"), "family 'hedge' cue 'likelihood adverb'"),
    (lambda d: d["families"]["hedge"]["cues"][0].update(weight=3), "'weight' must be a number between 0 and 1"),
    (lambda d: d["families"]["hedge"].update(kind="feeling"), "kind 'feeling' is not one of"),
    (lambda d: d["families"]["hedge"].update(cues=[]), "needs a non-empty 'cues' list"),
    (lambda d: d["families"]["note_assessment"]["cues"][1].update(max_words="ten"),
     "'max_words' must be a whole number"),
    (lambda d: d["families"]["recommendation"].update(default_holder=["the review"]),
     "default_holder must be a string"),
    (lambda d: d["families"]["obligation"]["cues"][0].update(needs=["Should"]), "'needs' must be a list of lower-case"),
])
def test_bad_rules_fail_at_load_naming_file_and_rule(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    mutate(data)
    with pytest.raises(RulesError, match="statements.yaml") as err:
        parse_rules(data, "statements.yaml")
    assert message in str(err.value)


def test_rule_keys_for_notes_conditions_and_implied_holders() -> None:
    short = next(c for c in RULES.cues if c.name == "hedged note")
    assert short.max_words == 10
    assert one("Possible neglect indicator.").kind == "opinion"
    long = "Possible reasons for the delay were discussed at length by the managers of both teams in the meeting."
    assert "hedged note" not in {h.cue.name for h in _hits(long, RULES, 1.0)}
    threat = next(c for c in RULES.cues if c.name == "conditional threat")
    assert threat.in_condition
    assert {c.default_holder for c in RULES.cues if c.family == "recommendation"} == {"the review"}


def _corpus_sentences() -> list[str]:
    out = [x for f in RULES.families for x in f.examples_match + f.examples_no_match] + list(RULES.facts)
    for folder in (GOLD, Path(__file__).resolve().parents[1] / "benchmarks/voices/gold"):
        for path in sorted(folder.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            out += [text[a:b] for a, b in split_sentences(text, line_blocks(text))]
    return out


def test_needs_only_skips_sentences_the_cue_cannot_match() -> None:
    """`needs` is a speed-up: on every sentence we have, a cue that matches contains one of its words."""
    gated = [c for c in RULES.cues if c.needs]
    assert gated
    sentences = _corpus_sentences()
    assert len(sentences) > 1000
    for cue in gated:
        for sentence in sentences:
            if cue.pattern.search(sentence):
                assert any(w in sentence.lower() for w in cue.needs), (cue.name, sentence)


def test_unreadable_yaml(tmp_path: Path) -> None:
    bad = tmp_path / "statements.yaml"
    bad.write_text("families: [unclosed", encoding="utf-8")
    with pytest.raises(RulesError, match="statements.yaml: not valid YAML"):
        load_rules_file(bad)


# --- the dev corpus, scored with the evaluation kit's own score.py ----------------------------------

def _score_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("eval_score", EVAL_DIR / "score.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow
@pytest.mark.skipif((not (EVAL_DIR / "score.py").exists() or not GOLD.is_dir()) and not REQUIRE_CORPUS,
                    reason="evaluation kit not present")
def test_dev_corpus_statement_f1() -> None:
    score = _score_module()
    from collections import Counter
    total: Counter[str] = Counter()
    files = sorted(GOLD.glob("*.json"))
    assert len(files) == 10
    sentences, cpu = 0, 0.0
    for path in files:
        gold = json.loads(path.read_text(encoding="utf-8"))
        t0 = time.process_time()  # CPU time: other work on a shared machine does not count against it
        statements = classify_statements(gold["text"], line_blocks(gold["text"]))
        cpu += time.process_time() - t0
        sentences += len(statements)
        pred = {"text": gold["text"], "spans": [], "statements": [s.to_json() for s in statements]}
        total.update(score.score_doc(gold, pred)["st"])
    p = score.ratio(total["pred_ok"], total["pred"])
    r = score.ratio(total["gold_found"], total["gold"])
    assert score.f1(p, r) >= 0.93, (p, r)
    ours = statement_scores(GOLD)
    assert abs(ours["f1"] - score.f1(p, r)) < 1e-3  # statements_eval agrees with score.py
    assert sentences / cpu > 1000, sentences / cpu


@pytest.mark.parametrize("pattern, words", [
    (r"\b(?:believe|believes|believed)\b", ("believe", "believes", "believed")),
    (r"(?<!\breason\s+to\s+)\b(?:believe|believed)\b", ("believe", "believed")),   # a lookbehind takes nothing
    (r"\bpresent(?:s|ed)?\s+as\b|\b(?:seem|appear)", ("present", "seem", "appear")),  # top-level alternatives
    (r"\b(?P<cue>said|told\s+[\w\s]{1,20}?)", ("said", "told")),
    (r"\bcolou?r", ("colo",)),                       # an optional letter ends the word
    (r"\b(?:I|we)\s+will", ()),                       # one letter is no evidence
    (r"^\W*(?:please|pls)", ()),                      # the start is not a word
    (r"(?:foo|bar)?baz", ()),                         # an optional group
    (r"(?-i:\b[A-Z]\w+)\s+said", ()),
    (r"(?i)(?<=\b(?:snapchat|insta)[ :]+)[\w.]+", ("snapchat", "insta")),   # what a lookbehind requires
    (r"(?<=\b(?:is|i'm)\s)\d+", ("is", "i'm")),
    (r"(?<=\b(?:is|[Ii]'m)\s)\d+", ()),                                    # a class: nothing is read
])
def test_a_cue_is_tried_only_on_sentences_with_a_word_its_pattern_starts_with(pattern, words):
    assert leading_words(pattern) == words


def test_leading_words_never_hide_a_match_of_any_cue_example():
    """Every cue that matches a family's example still matches with its leading words required."""
    rules = statement_rules()
    examples = [e for fam in rules.families for e in fam.examples_match + fam.examples_no_match]
    checked = 0
    for cue in (c for c in rules.cues if c.needs):
        for example in examples:
            if cue.pattern.search(example):
                checked += 1
                assert any(w in example.lower() for w in cue.needs), (cue.name, example)
    assert checked > 50


@pytest.mark.parametrize("sentence", [
    "", "I'm", "We'd agreed she appeared anxious and was assessed.", "a small family", "AM", "the concern",
    "he adores his dad; i'd like an assessment", "x",
])
def test_needed_words_index_finds_what_a_substring_search_finds(sentence):
    """The three-letter index of needed words answers exactly as testing each word as a substring."""
    needed = statement_rules().needed
    low = sentence.lower()
    assert needed.present(low) == {w for w in needed.words if w in low}


def test_needed_words_index_keeps_short_words_and_prefixes():
    from redactor.analyse.statement_rules import NeededWords
    index = NeededWords(["'d", "am", "agree", "agreed", "all"])
    assert index.present("we'd agreed, small as it was") == {"'d", "agree", "agreed", "all"}
    assert index.present("nothing here") == set()


def test_imperatives_in_a_section_of_advice_are_recommendations_and_elsewhere_action_points() -> None:
    text = ("Key messages for practice\n"
            "Always check who else lives in the home, and write down each adult's name.\n"
            "If a baby misses two health visits in a row, visit the home within a week.\n"
            "Record keeping was inconsistent across agencies.\n"
            "Review of the records showed gaps.\n"
            "Next steps\n"
            "Check the records and report back.\n"
            "Background\n"
            "Ask Dad was the name of the helpline.\n")
    out = {text[s.start:s.end]: s for s in classify_statements(text, line_blocks(text))}
    advice = out["Always check who else lives in the home, and write down each adult's name."]
    assert (advice.kind, advice.cue_family, advice.cue, advice.holder) == ("opinion", "advice", "check", "the review")
    assert text[advice.cue_start:advice.cue_end] == "check"
    assert out["If a baby misses two health visits in a row, visit the home within a week."].kind == "opinion"
    assert out["Review of the records showed gaps."].kind == "fact"            # a finding, not advice
    assert out["Record keeping was inconsistent across agencies."].cue_family != "advice"
    assert out["Check the records and report back."].kind == "intention"      # the case's own action point
    assert out["Ask Dad was the name of the helpline."].kind == "fact"


def test_a_quoted_question_at_the_end_does_not_make_the_sentence_a_question() -> None:
    text = 'Supervisors should ask, "Who has seen the baby this week?"\nDid anyone ask who lived there?\n'
    kinds = [s.kind for s in classify_statements(text, line_blocks(text))]
    assert kinds == ["opinion", "fact"]
