"""The Rasa project in rasa/ is one stock Rasa trains on unchanged: consistent rules, honest fallbacks, channels
and endpoints that start without secrets (the real training and run are in test_real_rasa.py)."""

from __future__ import annotations

from typing import Any

import yaml

from tests.conftest import REPO_ROOT

RASA = REPO_ROOT / "rasa"


def load(path: str) -> Any:
    return yaml.safe_load((RASA / path).read_text(encoding="utf-8"))


def test_every_intent_is_routed_to_loa_and_restart_goes_to_loas_override() -> None:
    domain = load("domain.yml")
    rules = load("data/rules.yml")["rules"]
    nlu = yaml.safe_load((REPO_ROOT / "nlu" / "data" / "nlu.yml").read_text(encoding="utf-8"))["nlu"]
    trained = {item["intent"] for item in nlu if "intent" in item}
    routed = {rule["steps"][0]["intent"]: rule["steps"][1]["action"] for rule in rules}
    assert trained <= set(domain["intents"])
    # Rasa's own rule maps the restart intent to action_restart: a rule of ours for it would contradict it
    assert set(routed) == (trained - {"restart"}) | {"loa_button"}
    assert set(routed.values()) == {"action_answer_policy_question", "action_eligibility_check"}
    assert routed["check_eligibility"] == "action_eligibility_check"
    assert set(domain["actions"]) == {"action_answer_policy_question", "action_eligibility_check", "action_restart"}


def test_no_fallback_pretends_and_unruled_turns_still_reach_loa() -> None:
    config = load("config.yml")
    assert "FallbackClassifier" not in [component["name"] for component in config["pipeline"]]
    assert "nlu_fallback" not in [rule["steps"][0]["intent"] for rule in load("data/rules.yml")["rules"]]
    [rule_policy] = [policy for policy in config["policies"] if policy["name"] == "RulePolicy"]
    assert rule_policy["core_fallback_action_name"] == "action_answer_policy_question"


def test_rasa_starts_on_rest_alone_and_finds_the_actions_through_the_environment() -> None:
    assert load("credentials.yml") == {"rest": None}
    telegram = load("credentials.telegram.yml")
    assert telegram["telegram"]["access_token"] == "${LOA_TELEGRAM_TOKEN}"
    assert "rest" in telegram
    assert load("endpoints.yml") == {"action_endpoint": {"url": "${LOA_ACTION_URL}"}}


def test_nlu_examples_have_no_blank_lines_inside_a_block() -> None:
    nlu = yaml.safe_load((REPO_ROOT / "nlu" / "data" / "nlu.yml").read_text(encoding="utf-8"))["nlu"]
    for block in nlu:
        lines = str(block.get("examples", "")).strip().splitlines()
        assert all(line.startswith("- ") for line in lines), block.get("intent")
