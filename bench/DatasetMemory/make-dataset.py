#!/usr/bin/env python3
"""Writes a JSONL fine-tuning file of about SIZE bytes: prompt/completion records of about 1 KiB, completions
drawn from four labels (classification data, so split stratifies), 1 record in 50 an exact repeat of an earlier one.
Usage: make-dataset.py PATH [SIZE_BYTES]"""
import json, random, sys

path = sys.argv[1]
size = int(sys.argv[2]) if len(sys.argv) > 2 else 500_000_000
rng = random.Random(17)
words = "the a little girl boy dog cat saw went to park and played with ball sun was happy sad big small red blue tree house ran jumped".split()
labels = [" positive", " negative", " neutral", " mixed"]
written = 0
recent = []
with open(path, "w", encoding="utf-8") as out:
    i = 0
    while written < size:
        if i % 50 == 49 and recent:
            line = recent[rng.randrange(len(recent))]
        else:
            text = " ".join(rng.choice(words) for _ in range(190))
            line = json.dumps({"prompt": f"Review {i}: {text}\nSentiment:", "completion": labels[i % 4]}) + "\n"
            if len(recent) < 1000: recent.append(line)
        out.write(line)
        written += len(line)
        i += 1
print(f"{path}: {written} bytes, {i} records")
