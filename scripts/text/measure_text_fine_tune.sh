#!/usr/bin/env bash
# Measures `graft fine-tune` on text: all-MiniLM-L6-v2 with a new linear head on the Debian sections
# split that `graft text-demo` ships (32 labelled descriptions per section, the full 1,000-text test
# split), head only, then with the last 1 and the last 2 transformer blocks fine-tuned as well.
# Prints one Markdown row per run: test accuracy and wall times. Usage, from the repository root:
#   scripts/text/measure_text_fine_tune.sh [PER_CLASS] [SEED]     (FT_LR=3e-3: the fine-tuning learning rate)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
per_class=${1:-32}
seed=${2:-7}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 - "$work" "$per_class" "$seed" <<'PY'
import gzip, json, random, sys
out, per_class, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
root = 'transfer/src/main/resources/dev/graft/transfer/text/debian-sections-'
def rows(split):
    with gzip.open(root + split + '.jsonl.gz', 'rt', encoding='utf-8') as f:
        return [json.loads(line) for line in f if line.strip()]
train, test = rows('train'), rows('test')
rng = random.Random(seed)
by_class = {}
for r in train:
    by_class.setdefault(r['label'], []).append(r)
picked = [r for label in sorted(by_class) for r in rng.sample(by_class[label], per_class)]
for name, data in (('train', picked), ('test', test)):
    with open(f'{out}/{name}.jsonl', 'w', encoding='utf-8') as f:
        for r in data:
            f.write(json.dumps({'text': r['text'], 'label': r['label']}) + '\n')
PY

./graft help >/dev/null   # builds the jar first, so that no run below pays for it
echo "| recipe | test accuracy | head (s) | fine-tune (s) | total (s) |"
echo "|---|---:|---:|---:|---:|"
run() {
    local label=$1
    shift
    ./graft fine-tune --model minilm --data "$work" --out "$work/out/model.onnx" --val-fraction 0 --seed "$seed" \
        --json "$@" >"$work/result.json"
    /usr/bin/python3 - "$label" "$work/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[2]))
s = r['seconds']
print(f"| {sys.argv[1]} | {100 * r['testAccuracy']:.1f}% | {s['head']:.1f} | {s['fineTune']:.1f} | {s['total']:.1f} |")
PY
}
run "frozen encoder + new head (30 epochs)"
run "+ last block fine-tuned (3 epochs)" --fine-tune-epochs 3 --unfreeze 1 --fine-tune-lr ${FT_LR:-1e-3}
run "+ last 2 blocks fine-tuned (3 epochs)" --fine-tune-epochs 3 --unfreeze 2 --fine-tune-lr ${FT_LR:-1e-3}
