#!/usr/bin/python3
"""Derives a county's second-year files from its first-year files (bench/annual).

    derive.py YEAR1_DIR YEAR2_DIR [--changed 0.10] [--moved 0.01] [--new 0.01]
              [--left-out 0.01] [--seed 1]

Reads YEAR1_DIR/households.csv and members.csv (as `fupin generate` writes them: UTF-8
with a BOM, no quoting) and writes YEAR2_DIR/households.csv and members.csv, where
  - a share `changed` of the households has a new 工资性收入 (wage income);
  - a share `moved` of the households gives one member (not the head) to another household
    (both counted as changed; 家庭人口数 follows);
  - a share `new` of households is added: copies of existing households under new 户编号,
    their members with new, valid ID numbers;
  - a share `left_out` of the households is not in the files (an import keeps them as
    registered: it never removes a household).
Prints what it did. Only the Python standard library; call it with /usr/bin/python3.
"""
import argparse
import random
import sys

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"


def id_check(first17):
    return CHECK[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


def read(path):
    with open(path, encoding="utf-8-sig") as f:
        lines = [line.rstrip("\r\n") for line in f if line.strip()]
    header = lines[0].split(",")
    return header, [line.split(",") for line in lines[1:]]


def write(path, header, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(r) + "\n")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("year1")
    p.add_argument("year2")
    p.add_argument("--changed", type=float, default=0.10)
    p.add_argument("--moved", type=float, default=0.01)
    p.add_argument("--new", type=float, default=0.01)
    p.add_argument("--left-out", type=float, default=0.01)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    rng = random.Random(a.seed)
    hh, households = read(a.year1 + "/households.csv")
    mh, members = read(a.year1 + "/members.csv")
    wage, size = hh.index("工资性收入"), hh.index("家庭人口数")
    id_col, relation = mh.index("证件号码"), mh.index("与户主关系")
    n = len(households)
    by_code = {}
    for m in members:
        by_code.setdefault(m[0], []).append(m)
    index = {h[0]: i for i, h in enumerate(households)}
    changed = set()

    for i in rng.sample(range(n), int(n * a.changed)):
        households[i][wage] = "%.2f" % (float(households[i][wage]) * 1.05 + 100)
        changed.add(households[i][0])

    moved = 0
    codes = [h[0] for h in households]
    for code in rng.sample(codes, int(n * a.moved)):
        others = [m for m in by_code[code] if m[relation] != "户主"]
        if not others:
            continue
        person = others[-1]
        target = rng.choice(codes)
        if target == code:
            continue
        by_code[code].remove(person)
        person[0] = target
        person[relation] = "其他"
        by_code[target].append(person)
        for c, delta in ((code, -1), (target, 1)):
            h = households[index[c]]
            if h[size]:
                h[size] = str(int(h[size]) + delta)
            changed.add(c)
        moved += 1

    left_out = set(rng.sample(codes, int(n * a.left_out))) - changed
    ids = {m[id_col] for m in members}
    prefix = codes[0].rstrip("0123456789")
    width = len(codes[0]) - len(prefix)
    next_number = max(int(c[len(prefix):]) for c in codes) + 1
    new_households, new_members = [], []
    for source in rng.sample(codes, int(n * a.new)):
        code = prefix + str(next_number).zfill(width)
        next_number += 1
        h = list(households[index[source]])
        h[0] = code
        new_households.append(h)
        for m in by_code[source]:
            m = list(m)
            m[0] = code
            number = m[id_col]
            if len(number) == 18:
                while True:
                    # The 17th digit (odd for men) is kept: it must agree with 性别.
                    first17 = number[:14] + "%02d" % rng.randrange(100) + number[16]
                    candidate = first17 + id_check(first17)
                    if candidate not in ids:
                        break
                ids.add(candidate)
                m[id_col] = candidate
            new_members.append(m)

    out_h = [h for h in households if h[0] not in left_out] + new_households
    out_m = [m for c in codes if c not in left_out for m in by_code[c]] + new_members
    write(a.year2 + "/households.csv", hh, out_h)
    write(a.year2 + "/members.csv", mh, out_m)
    print("%d households: %d changed (%d members moved), %d new, %d left out; %d members"
          % (len(out_h), len(changed), moved, len(new_households), len(left_out), len(out_m)))


if __name__ == "__main__":
    sys.exit(main())
