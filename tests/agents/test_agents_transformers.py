"""The local transformers backends, on tiny random-weight models built here from configs, via generate().

The models' output head is zeroed, so every logit ties and greedy decoding always picks token 0, which the
test's vocabulary makes the word ``pyautogui.press("enter")``: the answer is known without training
anything, and the whole path (chat template, tokenisation, the image processor, generate, decoding, script
extraction, token counts) runs for real.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from omniact.predictions import read_predictions
from omniact.runner import run

DATA = Path(__file__).resolve().parent.parent / "runner" / "fixtures" / "data"
ANSWER_TOKEN = 'pyautogui.press("enter")'
TEMPLATE = ("{% for m in messages %}{{ m['role'] }}: {% if m['content'] is string %}{{ m['content'] }}"
            "{% else %}{% for p in m['content'] %}{% if p['type'] == 'image' %}<image>{% else %}{{ p['text'] }}"
            "{% endif %}{% endfor %}{% endif %}\n{% endfor %}{% if add_generation_prompt %}assistant:{% endif %}")


def _tokenizer(bos: bool = False):
    """A word-level tokenizer; with `bos`, one that adds ``<s>`` to what it encodes (as Llama's and Gemma's do) and
    a template that writes ``{{ bos_token }}`` itself (as Gemma 3's and Llama 3.2 Vision's do)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    words = [ANSWER_TOKEN, "[UNK]", "</s>", "[PAD]", "<image>", "system", "user", "assistant", ":", "Task",
             "Output", "Script", "pyautogui", ".", "click", "(", ")", ",", "x", "y", "a", "the", "note", "new", "<s>"]
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.decoder = decoders.WordPiece(prefix="##")  # joins words with spaces
    if bos:
        tok.post_processor = processors.TemplateProcessing(single="<s> $A", pair="<s> $A <s> $B",
                                                           special_tokens=[("<s>", words.index("<s>"))])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", eos_token="</s>", pad_token="[PAD]",
                                   additional_special_tokens=["<image>"], **({"bos_token": "<s>"} if bos else {}))
    fast.chat_template = ("{{ bos_token }}" if bos else "") + TEMPLATE
    return fast


def _llama_config(vocab: int):
    from transformers import LlamaConfig

    return LlamaConfig(vocab_size=vocab, hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                       num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=8192,
                       eos_token_id=2, pad_token_id=3, bos_token_id=None, tie_word_embeddings=False)


@pytest.fixture(scope="module")
def tiny_llama(tmp_path_factory) -> Path:
    return _save_llama(tmp_path_factory.mktemp("tiny-llama"))


@pytest.fixture(scope="module")
def tiny_llava(tmp_path_factory) -> Path:
    return _save_llava(tmp_path_factory.mktemp("tiny-llava"))


def _save_llava(path: Path, bos: bool = False) -> Path:
    import torch
    from transformers import (
        CLIPImageProcessor,
        CLIPVisionConfig,
        LlavaConfig,
        LlavaForConditionalGeneration,
        LlavaProcessor,
    )

    tok = _tokenizer(bos)
    vision = CLIPVisionConfig(hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2,
                              image_size=32, patch_size=8, projection_dim=16)
    config = LlavaConfig(vision_config=vision, text_config=_llama_config(len(tok)),
                         image_token_index=tok.convert_tokens_to_ids("<image>"),
                         vision_feature_select_strategy="default", vision_feature_layer=-1)
    torch.manual_seed(0)
    model = LlavaForConditionalGeneration(config)
    with torch.no_grad():
        model.lm_head.weight.zero_()
    model.save_pretrained(path)
    processor = LlavaProcessor(
        image_processor=CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32}),
        tokenizer=tok, patch_size=8, vision_feature_select_strategy="default", num_additional_image_tokens=1,
        chat_template=tok.chat_template)
    processor.save_pretrained(path)
    return path


def test_a_vlm_prompt_whose_template_writes_the_bos_starts_with_one_bos(tmp_path):
    """The processor's tokenizer adds a BOS and the template writes one: the model saw two, quietly worse."""
    from PIL import Image

    from agents.backends import TransformersVLMBackend, image_data_url
    from agents.prompt import build_messages

    backend = TransformersVLMBackend(str(_save_llava(tmp_path / "llava-bos", bos=True)))
    inputs, tok = backend._inputs(build_messages("Task", [], [], image_data_url(Image.new("RGB", (64, 64)))))
    ids = inputs["input_ids"][0].tolist()
    assert ids[0] == tok.bos_token_id and ids.count(tok.bos_token_id) == 1


def test_llm_agent_on_a_local_causal_lm(tiny_llama, tmp_path):
    args = {"model_path": str(tiny_llama), "max_tokens": "2", "n_examples": "0",
            "cache_path": str(tmp_path / "cache.sqlite")}
    s = run("llm", agent_args=args, out=tmp_path / "r", data=DATA, limit=2)
    assert not s.errors
    preds = read_predictions(tmp_path / "r" / "predictions.jsonl")
    assert preds["100"].script == f"{ANSWER_TOKEN}\n{ANSWER_TOKEN}"
    usage = preds["100"].extra["usage"]
    assert usage["completion_tokens"] == 2 and usage["prompt_tokens"] > 100 and not usage["cached"]
    s2 = run("llm", agent_args=args, out=tmp_path / "r2", data=DATA, limit=2)
    assert read_predictions(tmp_path / "r2" / "predictions.jsonl")["100"].extra["usage"]["cached"]
    assert s2.scores == s.scores


def test_vlm_agent_on_a_local_image_text_to_text_model(tiny_llava, tmp_path):
    args = {"model_path": str(tiny_llava), "max_tokens": "1", "n_examples": "0", "max_side": "64",
            "cache_path": str(tmp_path / "cache.sqlite")}
    s = run("vlm", agent_args=args, out=tmp_path / "r", data=DATA, limit=1)
    assert not s.errors, read_predictions(tmp_path / "r" / "predictions.jsonl")["100"].extra
    preds = read_predictions(tmp_path / "r" / "predictions.jsonl")
    assert preds["100"].script == ANSWER_TOKEN
    # the prompt held the image's tokens (16 patches) as well as the text
    assert preds["100"].extra["usage"]["prompt_tokens"] > 16
    d = _description(tmp_path / "r")
    assert d["backend"]["kind"] == "transformers-vlm" and d["prompt"]["max_side"] == 64


def test_backends_on_one_model_share_it_and_take_turns(tiny_llama):
    # Worker threads each build a backend; the process loads the model once and every backend built on it
    # must wait for the same lock (generate() on one model is not thread-safe).
    from agents.backends import TransformersBackend

    a, b = TransformersBackend(str(tiny_llama)), TransformersBackend(str(tiny_llama))
    assert a.net is b.net and a._lock is b._lock
    with a._lock:
        assert not b._lock.acquire(blocking=False)


# --------------------------------------------------------------------------------------------------------
# What a user with a model on disk runs into: each mistake is one line, found before any task runs


def _save_llama(path: Path, *, template: str | None = TEMPLATE, seed: int = 0) -> Path:
    import torch
    from transformers import LlamaForCausalLM

    tok = _tokenizer()
    tok.chat_template = template
    torch.manual_seed(seed)
    model = LlamaForCausalLM(_llama_config(len(tok)))
    with torch.no_grad():
        model.lm_head.weight.zero_()
    model.save_pretrained(path)
    tok.save_pretrained(path)
    return path


def _start_error(agent: str, tmp_path: Path, **args: str) -> str:
    """The one line a run stops with (the CLI prints it and exits 2); no task may have been recorded."""
    from omniact.errors import UserError

    out = tmp_path / "run"
    with pytest.raises(UserError) as e:
        run(agent, agent_args={"n_examples": "0", "cache_path": str(tmp_path / "c.sqlite"), **args}, out=out,
            data=DATA, limit=3)
    assert not (out / "predictions.jsonl").exists()
    text = str(e.value)
    assert "\n" not in text and "setup() raised" not in text, text
    return text


def test_a_folder_that_is_not_a_model_is_one_line(tmp_path):
    (tmp_path / "weights").mkdir()
    (tmp_path / "weights" / "model.safetensors").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("x")
    assert "holds no config.json" in _start_error("llm", tmp_path, model_path=str(tmp_path / "weights"))
    assert "is a file, not a folder" in _start_error("vlm", tmp_path, model_path=str(tmp_path / "notes.txt"))
    assert "does not exist" in _start_error("llm", tmp_path, model_path=str(tmp_path / "nope"))


def test_a_model_of_the_wrong_kind_names_the_agent_to_use(tiny_llama, tiny_llava, tmp_path):
    assert "run it with --agent llm" in _start_error("vlm", tmp_path, model_path=str(tiny_llama))
    assert "run it with --agent vlm" in _start_error("llm", tmp_path, model_path=str(tiny_llava))


def test_a_model_without_a_chat_template_stops_the_run_before_any_task(tmp_path):
    path = _save_llama(tmp_path / "base", template=None)
    assert "no chat template" in _start_error("llm", tmp_path, model_path=str(path))


def test_a_chat_template_that_refuses_a_system_message_gets_it_in_the_user_message(tmp_path):
    # Gemma's template raises on a system message; the role and rules then go before the task's text.
    template = ("{% for m in messages %}{% if m['role'] == 'system' %}{{ raise_exception('System role not "
                "supported') }}{% endif %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}assistant:")
    path = _save_llama(tmp_path / "gemma-like", template=template)
    args = {"model_path": str(path), "max_tokens": "1", "n_examples": "0", "cache_path": str(tmp_path / "c.sqlite")}
    s = run("llm", agent_args=args, out=tmp_path / "r", data=DATA, limit=2)
    assert not s.errors
    assert read_predictions(tmp_path / "r" / "predictions.jsonl")["100"].script == ANSWER_TOKEN


@pytest.mark.parametrize(("arg", "value", "says"), [
    ("max_tokens", "0", "max_tokens must be"),
    ("temperature", "-1", "temperature must be"),
    ("dtype", "bf16", "dtype='bf16': use one of auto, float32, bfloat16, float16"),
    ("device", "gpu", "device='gpu' is not a torch device"),
    ("device", "cuda:99", "device='cuda:99', but"),
    ("device", "meta", "device='meta' cannot run a model here"),  # every task failed on a meta tensor
    ("device", "xpu", "device='xpu' cannot run a model here"),
])
def test_a_wrong_generation_setting_stops_the_run_before_any_task(tiny_llama, tmp_path, arg, value, says):
    assert says in _start_error("llm", tmp_path, model_path=str(tiny_llama), **{arg: value})


def test_new_weights_in_the_same_folder_are_not_served_the_old_answers(tmp_path):
    path = _save_llama(tmp_path / "model", seed=0)
    args = {"model_path": str(path), "max_tokens": "1", "n_examples": "0", "cache_path": str(tmp_path / "c.sqlite")}

    def cached(name: str) -> bool:
        run("llm", agent_args=args, out=tmp_path / name, data=DATA, limit=1)
        return read_predictions(tmp_path / name / "predictions.jsonl")["100"].extra["usage"]["cached"]

    assert not cached("first")
    assert cached("again")  # the same model: the cache answers
    _save_llama(path, seed=1)  # fine-tuned further, saved over the old weights
    assert not cached("retrained")
    assert cached("retrained-again")


def test_the_model_path_may_start_with_a_tilde(tiny_llama, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tiny_llama.parent))
    args = {"model_path": f"~/{tiny_llama.name}", "max_tokens": "1", "n_examples": "0",
            "cache_path": str(tmp_path / "c.sqlite")}
    assert not run("llm", agent_args=args, out=tmp_path / "r", data=DATA, limit=1).errors


_INTERRUPT = """
import sys, threading, time
from agents.backends import TransformersBackend
b = TransformersBackend(sys.argv[1])
threading.Thread(target=b.complete, args=([{"role": "user", "content": "Task"}],),
                 kwargs={"max_tokens": 8000}, daemon=True).start()
time.sleep(3)  # well inside the generation (8000 tokens take a minute here)
sys.exit(130)  # what the CLI does on Ctrl-C, while its worker thread is still generating
"""


def test_ctrl_c_during_generation_exits_with_the_cli_code_not_an_abort(tiny_llama):
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    p = subprocess.run([sys.executable, "-c", _INTERRUPT, str(tiny_llama)], check=False, cwd=root, capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 130, p.stderr[-2000:]
    assert "terminate called" not in p.stderr


_CONCURRENT_SETUP = """
import sys, threading
from agents.backends import TransformersVLMBackend
errors = []
def build():
    try:
        TransformersVLMBackend(sys.argv[1])
    except Exception as e:
        errors.append(repr(e))
threads = [threading.Thread(target=build) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(errors)
"""


def test_worker_threads_setting_up_at_once_all_get_the_model(tiny_llava):
    # --workers N: N threads build their backend at the same moment, in a process that has not imported
    # transformers yet; none may see it half-imported.
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    p = subprocess.run([sys.executable, "-c", _CONCURRENT_SETUP, str(tiny_llava)], check=False, cwd=root,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and p.stdout.strip() == "[]", (p.stdout, p.stderr[-2000:])


# --------------------------------------------------------------------------------------------------------
# What the run's record says of a local model, and a resume after its weights changed


def _description(out: Path) -> dict:
    import json

    return json.loads((out / "manifest.json").read_text())["agent_description"]


def test_the_manifest_names_the_local_model_its_weights_and_effective_settings(tmp_path):
    from agents.backends import model_fingerprint
    from agents.prompt import template_sha256

    # a Hub cache's layout: the revision is in the path
    sha = "0123456789abcdef0123456789abcdef01234567"
    path = _save_llama(tmp_path / "hub" / "models--org--tiny" / "snapshots" / sha)
    args = {"model_path": str(path), "max_tokens": "1", "n_examples": "0", "cache_path": str(tmp_path / "c.sqlite")}
    run("llm", agent_args=args, out=tmp_path / "r", data=DATA, limit=1)
    d = _description(tmp_path / "r")
    assert d["backend"] == {
        "kind": "transformers-lm", "model_path": str(path), "model_fingerprint": model_fingerprint(str(path)),
        "hub_repo": "org/tiny", "hub_revision": sha, "dtype": "auto", "loaded_dtype": "float32", "device": "cpu",
        "model_generation_config": d["backend"]["model_generation_config"], "system_in_user_message": False}
    assert d["generation"] == {"temperature": 0.0, "max_tokens": 1, "greedy": True}
    assert d["prompt"]["template_sha256"] == template_sha256() != template_sha256(image=True)
    assert d["prompt"]["n_examples"] == 0


def test_resuming_after_new_weights_were_saved_in_the_model_folder_is_refused(tmp_path):
    from omniact.errors import UserError

    path = _save_llama(tmp_path / "model", seed=0)
    args = {"model_path": str(path), "max_tokens": "1", "n_examples": "0", "cache_path": str(tmp_path / "c.sqlite")}
    run("llm", agent_args=args, out=tmp_path / "r", data=DATA, limit=1)
    _save_llama(path, seed=1)  # fine-tuned further, saved over the old weights
    with pytest.raises(UserError, match=r"cannot resume: .*backend\.model_fingerprint [0-9a-f]{12}… -> [0-9a-f]{12}…"):
        run("llm", agent_args=args, out=tmp_path / "r", data=DATA, limit=2, resume=True)
    assert len(read_predictions(tmp_path / "r" / "predictions.jsonl")) == 1


# --------------------------------------------------------------------------------------------------------
# --task-timeout with worker threads: a timed-out task's generation stops, and the next task gets the model


class _LongThenShort:
    """Asks a local model for 8000 tokens on task 100 (a minute here) and for one on the others."""

    def __init__(self, model_path: str = "", kind: str = "lm") -> None:
        self.model_path = model_path
        self.kind = kind
        self.backend = None

    def setup(self):
        from agents.backends import TransformersBackend, TransformersVLMBackend

        self.backend = (TransformersVLMBackend if self.kind == "vlm" else TransformersBackend)(self.model_path)

    def act(self, view):
        c = self.backend.complete([{"role": "user", "content": "Task"}], max_tokens=8000 if view.id == "100" else 1)
        return c.text


@pytest.mark.parametrize("kind", ["lm", "vlm"])
def test_a_timed_out_generation_stops_so_the_next_task_gets_the_model(kind, request, tmp_path):
    from agents import backends

    path = request.getfixturevalue("tiny_llava" if kind == "vlm" else "tiny_llama")
    s = run(_LongThenShort, agent_args={"model_path": str(path), "kind": kind}, out=tmp_path / "r", data=DATA,
            limit=2, task_timeout=5)
    # the first task timed out; its generation stopped there and then, so the second one, which waits for the
    # same model, answered within its own 5 s instead of timing out behind a minute of unwanted tokens
    assert s.errors == {"timeout": 1}
    preds = read_predictions(tmp_path / "r" / "predictions.jsonl")
    assert preds["100"].extra["error_kind"] == "timeout"
    assert preds["101"].script == ANSWER_TOKEN
    with backends._ACTIVE:  # and no generation goes on in the background
        assert backends._ACTIVE.wait_for(lambda: backends._n_active == 0, timeout=30)


def test_a_prompt_longer_than_the_models_context_says_so_on_its_task(tmp_path):
    """Past a model's context, learned positions fail with 'IndexError: index out of range in self' on every task."""
    import json

    path = _save_llama(tmp_path / "short")
    config = json.loads((path / "config.json").read_text())
    (path / "config.json").write_text(json.dumps({**config, "max_position_embeddings": 32}))
    args = {"model_path": str(path), "max_tokens": "2", "n_examples": "0", "cache": "false"}
    s = run("llm", agent_args=args, out=tmp_path / "r", data=DATA, limit=2)
    assert s.errors == {"exception": 2}
    error = read_predictions(tmp_path / "r" / "predictions.jsonl")["100"].extra["error"]
    assert re.search(r"the prompt is \d+ tokens, and the model's context is 32: shorten it with n_examples", error)


@pytest.mark.parametrize("damage, says", [
    (lambda p: (p / "model.safetensors").write_bytes((p / "model.safetensors").read_bytes()[:40]),
     "cannot load the model's weights (SafetensorError)"),
    (lambda p: (p / "config.json").write_text((p / "config.json").read_text().replace('"hidden_size": 16',
                                                                                       '"hidden_size": "abc"')),
     "transformers cannot read this model's config"),
    (lambda p: (p / "config.json").write_text((p / "config.json").read_text().replace('"intermediate_size": 32',
                                                                                       '"intermediate_size": 48')),
     "cannot load the model's weights (RuntimeError)"),
])
def test_a_damaged_model_folder_is_one_line_naming_it(tmp_path, damage, says):
    path = _save_llama(tmp_path / "m")
    damage(path)
    assert says in _start_error("llm", tmp_path, model_path=str(path))



def test_vlm_refuses_a_negative_max_side():
    """max_side=-5 quietly sent the screenshot at full size, and recorded max_side -5."""
    from agents.vlm import VLMAgent
    from omniact.errors import UserError

    with pytest.raises(UserError, match=r"max_side must be a whole number of pixels \(0: the screenshot at full size"):
        VLMAgent(model_path="x", max_side=-5)
