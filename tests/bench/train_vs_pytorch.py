#!/usr/bin/python3
"""train_vs_pytorch.py: our translator and PyTorch's torch.nn.Transformer, trained the same way for the same
time on Multi30k, back to back in one sitting, and both scored on test2016.

  1. ours: `translator train` on DATA/train.{en,fr} with DATA/val.{en,fr} for validation, --minutes M of
     wall time (validations included, as `--minutes` counts), --threads T, and any other arguments as given (the recipe's flags);
     then `translator eval` on DATA/test_2016_flickr.{en,fr} with --beam and --length-penalty.
  2. `translator export` of that run: its token ids (our tokeniser), the exact batches its training draws
     (batches.txt), and settings.txt (model, recipe, validation, decoding; exchange.hpp lists them).
  3. PyTorch (this script again, as /usr/bin/python3 in the environment that makes PyTorch fastest here,
     the one step_vs_pytorch.py uses, with torch.set_num_threads(T)): torch.nn.Transformer with the same
     sizes, post-LN without the final LayerNorms, the embeddings scaled by sqrt(d_model) plus the same
     sinusoids, the tied output projection, the same dropout places, CrossEntropyLoss(label_smoothing,
     ignore_index=pad), Adam with the same betas and eps, the same schedule, clipping, the batches of
     batches.txt in order, validation every eval_every steps (the loss on every validation pair, BLEU on
     the first valid_sentences, scored by `translator score`) keeping the best weights by our rule (the
     higher BLEU, then the lower loss), for the same wall time (validations included) or steps, whichever ends first; with
     --average-last, the mean of the last saves if it validates better, as ours.
  4. PyTorch's best weights translate test2016 with our search, re-implemented here (greedy, or beam
     search with the length penalty ((5 + n) / 6)^alpha), the same length limit and the same forbidden
     tokens; `translator score` turns the ids into text and scores them exactly as `translator eval`.

It prints one Markdown table (the findings' format; measure on an otherwise idle machine):

  | | steps | target tokens/s | best validation BLEU | test BLEU | test BLEU lc | test chrF2 |
  |---|---|---|---|---|---|---|
  | scratchformer | N | N | B.BB | B.BB | B.BB | C.CC |
  | PyTorch 1.13.0a0 | N | N | B.BB | B.BB | B.BB | C.CC |

steps: optimizer steps done in the budget; target tokens/s: target tokens (with </s>, no padding) per
second of training steps (validation excluded), as `translator train` reports it; best validation BLEU:
the chosen checkpoint's, on the first valid_sentences validation sentences; test: cased BLEU, lowercased
BLEU and chrF2 on every test line, as sacreBLEU computes them (`translator eval`'s table). A line under
the table checks that the two models are the same function: PyTorch's model loaded with our best weights
must give our validation loss (to about 4 decimals) and BLEU. Every command, its full output and its
duration are kept in --work (default runs/train_vs_pytorch), in log.txt.

PyTorch comes from Debian and must do its matrix products in OpenBLAS (the script refuses otherwise: with
the reference BLAS of libblas3 alone they are many times slower):
    apt-get install -y python3-torch python3-numpy libopenblas-dev

    tests/bench/train_vs_pytorch.py --data dataset/data/task1/raw           # 10 minutes each, 2 threads
    tests/bench/train_vs_pytorch.py --data D --minutes 30 --beam 4 --preset medium --lr 1e-3
    tests/bench/train_vs_pytorch.py --data D --smoke                        # ~20 s each: checks the script

--smoke trains both sides on a small slice of the data (3000 pairs) for 20 seconds or 150 steps with a
1,000-piece tokeniser and a max_len of 64: it shows that everything runs, it measures nothing.

What PyTorch cannot mirror exactly: its initial weights and dropout masks come from its own generator
(same distributions); torch's clip_grad_norm_ divides by norm + 1e-6 and sums in float32 (ours: norm,
in double); a tie in validation BLEU is judged on the two decimals `translator score` prints; a tie in
beam search's candidates at the cut is broken by torch.topk. torch.nn.Transformer has no key/value cache,
so its decoding recomputes each prefix (decoding time is not part of the budget).
"""
import argparse
import collections
import copy
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SMOKE = {"--vocab-size": "1000", "--max-len": "64", "--steps": "150", "--warmup": "30", "--eval-every": "50"}
SMOKE_PAIRS, SMOKE_VALID, SMOKE_TEST = 3000, 50, 50


def fail(message):
    sys.exit("train_vs_pytorch: " + message)


def run(cmd, log, env=None):
    """Runs cmd, its output going to the file `log` too; returns the output."""
    print("$", " ".join(cmd), file=sys.stderr, flush=True)
    start = time.time()
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with open(log, "a") as f:
        f.write(f"$ {' '.join(cmd)}\n{p.stdout}(exit {p.returncode} after {time.time() - start:.0f} s)\n")
    if p.returncode != 0:
        fail(f"{cmd[0]} {cmd[1]} failed ({p.returncode}); its output is in {log}:\n{p.stdout[-3000:]}")
    return p.stdout


def read_table(text):
    """The three scores of `translator eval` or `translator score`'s output."""
    def one(pattern):
        m = re.search(pattern + r"[^\n=]* = ([\d.]+)", text)
        if not m:
            fail("no line matching " + pattern + " in:\n" + text)
        return float(m.group(1))
    return {"bleu": one(r"(?m)^BLEU\|[^\n]*case:mixed"), "bleu_lc": one(r"(?m)^BLEU\|[^\n]*case:lc"),
            "chrf": one(r"(?m)^chrF2\|")}


def best_validation(history_path):
    """Our chosen checkpoint's validation BLEU: the highest, then the lowest loss (training.cpp's rule)."""
    best = None
    with open(history_path) as f:
        for line in f:
            cells = line.rstrip("\n").split("\t")
            if len(cells) < 6 or cells[0] == "step":
                continue
            bleu, loss = float(cells[5]), float(cells[3])
            if best is None or bleu > best[0] or (bleu == best[0] and loss < best[1]):
                best = (bleu, loss)
    return (100 * best[0], best[1]) if best else (float("nan"), float("nan"))


PYTORCH_CHECK = """
import torch
torch.ones(256, 256) @ torch.ones(256, 256)
print(torch.__version__, "openblas" in open("/proc/self/maps").read().lower())
"""


def check_pytorch(env):
    """Fails unless Debian's PyTorch is there and does its matrix products in OpenBLAS: with the reference
    BLAS (libblas3 alone) they are many times slower, and the comparison would mean nothing."""
    install = "apt-get install -y python3-torch python3-numpy libopenblas-dev"
    if not os.path.exists("/usr/bin/python3"):
        fail("no /usr/bin/python3; PyTorch comes from Debian: " + install)
    p = subprocess.run(["/usr/bin/python3", "-c", PYTORCH_CHECK], env=env, capture_output=True, text=True)
    if p.returncode != 0:
        fail("Debian's PyTorch is missing (" + p.stderr.strip().splitlines()[-1] + "): " + install)
    if p.stdout.split()[-1] != "True":
        fail("PyTorch's matrix products go to the reference BLAS here, not OpenBLAS (libblas.so.3 is "
             "libblas3's): " + install)


def smoke_data(data, work):
    """A small slice of the data, for --smoke."""
    out = os.path.join(work, "smoke-data")
    os.makedirs(out, exist_ok=True)
    for name, lines in [("train", SMOKE_PAIRS), ("val", SMOKE_VALID), ("test_2016_flickr", SMOKE_TEST)]:
        for lang in ("en", "fr"):
            with open(os.path.join(data, f"{name}.{lang}")) as f:
                head = [line for _, line in zip(range(lines), f)]
            with open(os.path.join(out, f"{name}.{lang}"), "w") as g:
                g.writelines(head)
    return out


# ---- the driver ---------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", help="Multi30k's raw files: train, val and test_2016_flickr, .en and .fr")
    ap.add_argument("--minutes", type=float, default=10,
                    help="each side's wall-time budget (validations included)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--beam", type=int, default=1, help="decoding for validation and test (1 = greedy)")
    ap.add_argument("--length-penalty", default="0.6")
    ap.add_argument("--work", default=os.path.join("runs", "train_vs_pytorch"), help="runs, exports and logs")
    ap.add_argument("--translator", default=os.path.join(ROOT, "build", "release", "examples", "translator",
                                                         "translator"))
    ap.add_argument("--smoke", action="store_true",
                    help="~20 s each on a slice of the data: checks the script, measures nothing")
    ap.add_argument("--keep-coretype", action="store_true",
                    help="leave OPENBLAS_CORETYPE as the environment has it")
    ap.add_argument("--peer", metavar="EXPORT", help=argparse.SUPPRESS)  # internal: the PyTorch side
    ap.add_argument("--run", help=argparse.SUPPRESS)
    ap.add_argument("--valid-src", help=argparse.SUPPRESS)
    ap.add_argument("--valid-ref", help=argparse.SUPPRESS)
    ap.add_argument("--check-weights", help=argparse.SUPPRESS)
    a, recipe = ap.parse_known_args()
    if a.peer:
        return peer(a)
    if not a.data:
        fail("give --data DIR: Multi30k's raw files (train, val and test_2016_flickr, .en and .fr)")
    if not os.path.exists(a.translator):
        fail(f"{a.translator} is missing; build it: cmake --build build/release --target translator")
    for name in ("train", "val", "test_2016_flickr"):
        for lang in ("en", "fr"):
            if not os.path.exists(os.path.join(a.data, f"{name}.{lang}")):
                fail(f"{os.path.join(a.data, name + '.' + lang)} is missing")
    os.makedirs(a.work, exist_ok=True)
    work = os.path.abspath(a.work)
    data = os.path.abspath(a.data)
    minutes = a.minutes
    if a.smoke:
        data = smoke_data(data, work)
        minutes = 20 / 60
        for flag, value in SMOKE.items():
            if flag not in recipe:
                recipe += [flag, value]
    log = os.path.join(work, "log.txt")
    open(log, "w").close()
    T = a.translator
    D = lambda name: os.path.join(data, name)  # noqa: E731
    run_dir, export = os.path.join(work, "ours"), os.path.join(work, "export")
    decoding = ["--beam", str(a.beam), "--length-penalty", a.length_penalty]
    threads = ["--threads", str(a.threads)]

    sys.path.insert(0, HERE)
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    import step_vs_pytorch  # the environment PyTorch runs fastest in here (BASELINE.md's "tuned", and more)
    step_vs_pytorch.KEEP_CORETYPE = a.keep_coretype
    env = step_vs_pytorch.pytorch_environment(a.threads)
    check_pytorch(env)  # before ours trains for minutes

    # 1. Ours: train, then the test table.
    out = run([T, "train", "--src", D("train.en"), "--tgt", D("train.fr"), "--valid-src", D("val.en"),
               "--valid-tgt", D("val.fr"), "--out", run_dir, "--overwrite", "--minutes", str(minutes)]
              + threads + decoding + recipe, log)
    m = re.search(r"training: (\d+) steps in ([\d.]+) s, ([\d.]+) target tokens per second", out)
    if not m:
        fail("no 'training: N steps' line in translator train's output (see " + log + ")")
    valid_bleu, valid_loss = best_validation(os.path.join(run_dir, "history.tsv"))
    ours = {"steps": int(m.group(1)), "tokens_per_second": float(m.group(3)), "valid_bleu": valid_bleu,
            "valid_loss": valid_loss}
    ours.update(read_table(run([T, "eval", "--run", run_dir, "--src", D("test_2016_flickr.en"), "--ref",
                                D("test_2016_flickr.fr")] + threads + decoding, log)))

    # 2. The run's ids, batches and settings.
    shutil.rmtree(export, ignore_errors=True)
    run([T, "export", "--run", run_dir, "--out", export, "--test-src", D("test_2016_flickr.en")] + decoding,
        log)

    # 3, 4. PyTorch, in its fastest environment, then its test translations scored.
    run(["/usr/bin/python3", os.path.abspath(__file__), "--peer", export, "--run", run_dir, "--translator", T,
         "--valid-src", D("val.en"), "--valid-ref", D("val.fr"), "--check-weights",
         os.path.join(run_dir, "best", "model.safetensors")] + threads, log, env)
    with open(os.path.join(export, "torch_result.json")) as f:
        torch_side = json.load(f)
    torch_side.update(read_table(run([T, "score", "--run", run_dir, "--hyp-ids",
                                      os.path.join(export, "torch_test.ids"), "--src",
                                      D("test_2016_flickr.en"), "--ref", D("test_2016_flickr.fr"),
                                      "--output", os.path.join(export, "torch_test.txt")], log)))

    decoded = "greedy decoding" if a.beam <= 1 else f"beam {a.beam}, length penalty {a.length_penalty}"
    print(f"\n{'Smoke run (measures nothing): ' if a.smoke else ''}{minutes:g} minutes of training each, "
          f"{a.threads} threads, {decoded}; recipe: {' '.join(recipe) or 'the defaults'}\n")
    print("| | steps | target tokens/s | best validation BLEU | test BLEU | test BLEU lc | test chrF2 |")
    print("|---|---|---|---|---|---|---|")
    for name, r in (("scratchformer", ours), (f"PyTorch {torch_side['torch']}", torch_side)):
        print(f"| {name} | {r['steps']} | {r['tokens_per_second']:.0f} | {r['valid_bleu']:.2f} | "
              f"{r['bleu']:.2f} | {r['bleu_lc']:.2f} | {r['chrf']:.2f} |")
    print(f"\nValidation BLEU on (up to) the first {torch_side['valid_sentences']} validation sentences; "
          f"test: every line of test_2016_flickr. The same function: PyTorch's model with our best weights "
          f"gives the validation loss {torch_side['check_loss']:.4f} and BLEU {torch_side['check_bleu']:.2f} "
          f"(ours: {ours['valid_loss']:.4f} and {ours['valid_bleu']:.2f}). Commands and outputs: {log}")


# ---- the PyTorch side -----------------------------------------------------------------------------------

def read_settings(path):
    settings = {}
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if "=" in line:
                key, value = line.split("=", 1)
                settings[key.strip()] = value.strip()
    return settings


def ids(text):
    return [int(t) for t in text.split()]


def read_pairs(path):
    with open(path) as f:
        return [tuple(ids(side) for side in line.rstrip("\n").split("\t")) for line in f]


def read_sources(path):
    """One framed source per line; None for an empty line (a source over max_len: an empty translation)."""
    with open(path) as f:
        return [ids(line) or None for line in f]


def peer(a):
    import warnings
    warnings.filterwarnings("ignore", message="The PyTorch API of nested tensors")  # torch's eval fast path
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    export = a.peer
    s = read_settings(os.path.join(export, "settings.txt"))
    I = lambda k: int(s[k])  # noqa: E731
    X = lambda k: float(s[k])  # noqa: E731
    if s["tokeniser"] != "bpe":
        fail("the PyTorch peer scores text (a bpe run: real text); this run uses words")
    torch.set_num_threads(a.threads)
    torch.manual_seed(I("seed"))
    pad, bos, eos = I("pad_id"), I("bos_id"), I("eos_id")
    V = I("target_vocab")
    d = I("d_model")

    class Translator(nn.Module):
        """nn/transformer.hpp in PyTorch: embeddings, positions, torch.nn.Transformer, tied projection."""

        def __init__(self):
            super().__init__()
            # Our parameter names (nn/transformer.hpp), so that our checkpoints load as they are.
            self.source_embedding = nn.Embedding(I("source_vocab"), d)
            self.target_embedding = self.source_embedding if I("share_embeddings") else nn.Embedding(V, d)
            for e in (self.source_embedding, self.target_embedding):
                nn.init.normal_(e.weight, 0.0, X("init_embedding_std"))
            assert s["positional"] == "sinusoidal"
            n = I("positional_max_len")
            p = np.arange(n, dtype=np.float64)[:, None]
            i = np.arange(0, d, 2, dtype=np.float64)[None, :]
            angle = p / np.power(10000.0, i / d)  # as nn/positional_encoding.cpp, in double
            pe = np.zeros((n, d))
            pe[:, 0::2], pe[:, 1::2] = np.sin(angle), np.cos(angle)
            self.register_buffer("pe", torch.tensor(pe, dtype=torch.float32), persistent=False)
            self.scale = X("embedding_scale")
            self.drop = nn.Dropout(X("dropout"))
            core = nn.Transformer(d_model=d, nhead=I("heads"), num_encoder_layers=I("encoder_layers"),
                                  num_decoder_layers=I("decoder_layers"), dim_feedforward=I("d_ff"),
                                  dropout=X("dropout"), activation=s["activation"],
                                  layer_norm_eps=X("layer_norm_eps"), batch_first=True,
                                  norm_first=bool(I("norm_first")))  # Xavier-uniform matrices, as ours
            self.encoder, self.decoder = core.encoder, core.decoder
            if not I("final_norm"):  # post-LN: torch always adds a LayerNorm after each stack, we do not
                self.encoder.norm = None
                self.decoder.norm = None
            self.output_projection = nn.Linear(d, V, bias=bool(I("output_bias")))
            if I("tie_output"):
                self.output_projection.weight = self.target_embedding.weight

        def embed(self, table, x):
            return self.drop(table(x) * self.scale + self.pe[: x.size(1)])

        def encode(self, src):
            src_pad = src == pad
            return self.encoder(self.embed(self.source_embedding, src), src_key_padding_mask=src_pad), src_pad

        def decode(self, tgt_in, memory, src_pad):
            T = tgt_in.size(1)
            causal = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)
            h = self.decoder(self.embed(self.target_embedding, tgt_in), memory, tgt_mask=causal,
                             tgt_key_padding_mask=tgt_in == pad, memory_key_padding_mask=src_pad)
            return self.output_projection(h)

        def load_ours(self, path):
            """Our safetensors checkpoint (model.safetensors); the tied projection weight is stored once."""
            with open(path, "rb") as f:
                raw = f.read()
            n = int.from_bytes(raw[:8], "little")
            header = json.loads(raw[8: 8 + n])
            state = {}
            for name, t in header.items():
                if name == "__metadata__":
                    continue
                assert t["dtype"] == "F32", (name, t["dtype"])
                begin, end = t["data_offsets"]
                state[name] = torch.from_numpy(
                    np.frombuffer(raw, dtype="<f4", count=(end - begin) // 4, offset=8 + n + begin).copy()
                ).reshape(t["shape"])
            if I("tie_output"):
                state["output_projection.weight"] = state["target_embedding.weight"]
            self.load_state_dict(state, strict=True)

        def forward(self, src, tgt_in):
            memory, src_pad = self.encode(src)
            return self.decode(tgt_in, memory, src_pad)

    def collate(pairs):
        S = max(len(p[0]) for p in pairs)
        T = max(len(p[1]) for p in pairs) - 1
        src = torch.full((len(pairs), S), pad, dtype=torch.long)
        tin = torch.full((len(pairs), T), pad, dtype=torch.long)
        tout = torch.full((len(pairs), T), pad, dtype=torch.long)
        for b, (x, y) in enumerate(pairs):
            src[b, : len(x)] = torch.tensor(x)
            tin[b, : len(y) - 1] = torch.tensor(y[:-1])
            tout[b, : len(y) - 1] = torch.tensor(y[1:])
        return src, tin, tout, sum(len(y) - 1 for _, y in pairs)

    def pad_sources(sources):
        S = max(len(x) for x in sources)
        src = torch.full((len(sources), S), pad, dtype=torch.long)
        for b, x in enumerate(sources):
            src[b, : len(x)] = torch.tensor(x)
        return src

    def next_log_probs(logits):  # decoding.cpp: <pad> and <s> are never chosen; in double
        z = logits.double()
        z[:, pad] = -math.inf
        z[:, bos] = -math.inf
        return F.log_softmax(z, -1)

    def greedy(model, src, limits):
        """decoding.cpp's greedy_decode; row b stops at </s> or after limits[b] steps."""
        memory, src_pad = model.encode(src)
        B = src.size(0)
        ys = torch.full((B, 1), bos, dtype=torch.long)
        out, done = [[] for _ in range(B)], [False] * B
        for step in range(max(limits)):
            nxt = next_log_probs(model.decode(ys, memory, src_pad)[:, -1]).argmax(-1)
            for b, t in enumerate(nxt.tolist()):
                if done[b]:
                    continue
                if t == eos:
                    done[b] = True
                else:
                    out[b].append(t)
                    done[b] = step + 1 >= limits[b]
            if all(done):
                break
            ys = torch.cat([ys, nxt[:, None]], 1)
        return out

    def beam_search(model, src, width, alpha, max_len):
        memory, src_pad = model.encode(src)
        penalised = lambda log_prob, n: log_prob / ((5.0 + n) / 6.0) ** alpha  # noqa: E731
        live, finished = [([], 0.0)], []  # (tokens without <s>, log P)
        for _ in range(max_len):
            n = len(live)
            ys = torch.tensor([[bos] + tokens for tokens, _ in live], dtype=torch.long)
            lp = next_log_probs(model.decode(ys, memory.expand(n, -1, -1), src_pad.expand(n, -1))[:, -1])
            total = (torch.tensor([p for _, p in live], dtype=torch.float64)[:, None] + lp).reshape(-1)
            values, flat = torch.topk(total, min(total.numel(), 2 * width))
            candidates = sorted(zip(values.tolist(), flat.tolist()), key=lambda c: (-c[0], c[1]))
            nxt = []
            for log_prob, i in candidates:  # best first: </s> finishes a hypothesis
                if len(nxt) >= width:
                    break
                b, token = divmod(i, V)
                if token == eos:
                    finished.append((penalised(log_prob, len(live[b][0]) + 1), live[b][0]))
                else:
                    nxt.append((live[b][0] + [token], log_prob))
            live = nxt
            if len(finished) >= width or not live:
                break
        if finished:
            return max(finished, key=lambda f: f[0])[1]  # the earliest of equal scores, as ours
        return max(live, key=lambda h: penalised(h[1], len(h[0])))[0] if live else []

    def decode_limit(source):
        """decoding.cpp's decoding_limit: the most tokens a translation of a framed source may have."""
        words = max(len(source) - 2, 0)
        return min(I("decode_max_len"), I("decode_per_source_token") * words + I("decode_extra"))

    def translate(model, sources, beam, alpha, batch):
        """Translations (ids) of framed sources; [] for None (a source over max_len)."""
        out = [[] for _ in sources]
        todo = [i for i, x in enumerate(sources) if x is not None]
        with torch.inference_mode():
            if beam <= 1:
                for at in range(0, len(todo), batch):
                    group = todo[at: at + batch]
                    src = pad_sources([sources[i] for i in group])
                    for i, ys in zip(group, greedy(model, src, [decode_limit(sources[i]) for i in group])):
                        out[i] = ys
            else:
                for i in todo:
                    src = pad_sources([sources[i]])
                    out[i] = beam_search(model, src, beam, alpha, decode_limit(sources[i]))
        return out

    def bleu_of(hypotheses, path, extra):
        """BLEU of translations (ids), as `translator score` computes it."""
        with open(path, "w") as f:
            for h in hypotheses:
                f.write(" ".join(map(str, h)) + "\n")
        text = subprocess.run([a.translator, "score", "--run", a.run, "--hyp-ids", path] + extra,
                              check=True, capture_output=True, text=True).stdout
        return read_table(text)["bleu"]

    train = read_pairs(os.path.join(export, "train.ids"))
    valid = read_pairs(os.path.join(export, "valid.ids"))
    valid_sources = read_sources(os.path.join(export, "valid.src.ids"))[: I("valid_sentences")]
    test_sources = read_sources(os.path.join(export, "test.src.ids"))
    with open(os.path.join(export, "batches.txt")) as f:
        batches = [ids(line) for line in f]

    model = Translator()
    model.train()
    params = list(model.parameters())  # the tied weight once
    opt = torch.optim.Adam(params, lr=X("lr"), betas=(X("adam_beta1"), X("adam_beta2")), eps=X("adam_eps"),
                           weight_decay=X("weight_decay"))
    loss_fn = nn.CrossEntropyLoss(ignore_index=pad, label_smoothing=X("label_smoothing"))

    def lr_at(step):  # optim/schedule.cpp, steps from 1
        if s["schedule"] == "noam":
            w = X("warmup")
            return d ** -0.5 * min(step ** -0.5, step * w ** -1.5)
        peak, warm, total, final = X("lr"), I("warmup"), I("cosine_total_steps"), X("cosine_final_lr")
        if step <= warm:
            return peak * step / warm
        if step >= total:
            return final
        return final + (peak - final) * (1 + math.cos(math.pi * (step - warm) / (total - warm))) / 2

    def validate(model, step):
        model.eval()
        total, tokens = 0.0, 0
        with torch.inference_mode():
            for at in range(0, len(valid), I("eval_batch_size")):
                src, tin, tout, n = collate(valid[at: at + I("eval_batch_size")])
                total += F.cross_entropy(model(src, tin).reshape(-1, V), tout.reshape(-1), ignore_index=pad,
                                         reduction="sum").item()
                tokens += n
        hyps = translate(model, valid_sources, I("valid_beam"), X("valid_length_penalty"),
                         I("eval_batch_size"))
        model.train()
        bleu = bleu_of(hyps, os.path.join(export, "torch_valid.ids"),
                     ["--src", a.valid_src, "--ref", a.valid_ref, "--max-sentences", s["valid_sentences"]])
        loss = total / max(tokens, 1)
        print(f"step {step}: validation loss {loss:.3f}, BLEU {bleu:.2f}", flush=True)
        return bleu / 100, loss

    check = {}
    if a.check_weights:  # the same function as ours: our weights give our validation loss and BLEU
        ours = Translator()
        ours.load_ours(a.check_weights)
        check["check_bleu"], check["check_loss"] = validate(ours, "(our weights)")
        check["check_bleu"] *= 100
        del ours
    # The budget is wall time, validations included, as ours (stop_rules.hpp); `seconds` counts the
    # training steps only, for tokens per second.
    steps, budget, wall_start = I("steps"), X("minutes") * 60, time.perf_counter()
    finished = lambda step: step >= steps or (  # noqa: E731
        budget > 0 and time.perf_counter() - wall_start >= budget)
    step, seconds, tokens, losses = 0, 0.0, 0, []
    best = (-1.0, math.inf, None)  # (score, loss, weights)
    saves = collections.deque(maxlen=max(I("average_last"), 1))  # the last validation saves' weights
    while not finished(step):
        if step >= len(batches):
            fail(f"batches.txt has {len(batches)} batches; export more with translator export --steps")
        src, tin, tout, n = collate([train[i] for i in batches[step]])
        recent = [losses[0]] + losses[-I("divergence_window"):] if losses else []
        limit = I("divergence_factor") * max(recent) if recent else math.inf
        start = time.perf_counter()
        for g in opt.param_groups:
            g["lr"] = lr_at(step + 1)
        loss = loss_fn(model(src, tin).reshape(-1, V), tout.reshape(-1))
        value = loss.item()
        if not math.isfinite(value) or value > limit:
            print(f"step {step + 1}: the loss {value} stops training (diverging)", flush=True)
            break
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if X("clip") > 0:
            norm = float(torch.nn.utils.clip_grad_norm_(params, X("clip")))
            if not math.isfinite(norm):
                print(f"step {step + 1}: the gradient is not finite; training stops", flush=True)
                break
        opt.step()
        seconds += time.perf_counter() - start
        tokens += n
        step += 1
        losses.append(value)
        if step % I("eval_every") == 0 or finished(step):
            selection, vloss = validate(model, step)
            saves.append(copy.deepcopy(model.state_dict()))
            if selection > best[0] or (selection == best[0] and vloss < best[1]):
                best = (selection, vloss, copy.deepcopy(model.state_dict()))
    final = "best"
    if I("average_last") > 0 and len(saves) >= 2:  # averaging.cpp: the element-wise mean of the last saves
        mean = {k: sum(w[k].double() for w in saves).div(len(saves)).to(v.dtype) for k, v in saves[-1].items()}
        model.load_state_dict(mean)
        averaged, _ = validate(model, "averaged")
        if averaged > best[0]:
            best, final = (averaged, best[1], mean), "averaged"
    if best[2] is not None:
        model.load_state_dict(best[2])
    model.eval()
    hyps = translate(model, test_sources, I("beam"), X("length_penalty"), I("eval_batch_size"))
    with open(os.path.join(export, "torch_test.ids"), "w") as f:
        for h in hyps:
            f.write(" ".join(map(str, h)) + "\n")
    result = {"torch": torch.__version__, "steps": step, "train_seconds": seconds,
              "tokens_per_second": tokens / seconds if seconds > 0 else 0.0, "valid_bleu": 100 * best[0],
              "valid_sentences": I("valid_sentences"), "final": final, "threads": torch.get_num_threads(),
              "parameters": sum(p.numel() for p in params), **check}
    with open(os.path.join(export, "torch_result.json"), "w") as f:
        json.dump(result, f)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
