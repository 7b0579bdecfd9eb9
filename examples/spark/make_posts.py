#!/usr/bin/env python3
"""Writes a corpus of JSON Lines posts for the Spark check: the posts of the bundled sample
(read by `whosaid parse`), copied to earlier days with their speakers rotated, so that no
post repeats another, in several files of a directory.

    make_posts.py WHOSAID SAMPLE OUT_DIR [--posts N] [--files K]
"""
import argparse
import datetime
import json
import os
import subprocess

# Surnames swapped between copies: the words change, the shapes of the sentences do not.
SPEAKERS = ["Starmer", "Zelensky", "Putin", "Trump", "Macron", "Meloni", "Stubb", "Albanese"]


def sample_posts(whosaid, sample):
    """The sample's posts: (time, author, title, [paragraphs])."""
    rows = subprocess.run(
        [whosaid, "parse", sample, "--format", "jsonl"],
        check=True, capture_output=True, text=True,
    ).stdout.splitlines()
    posts = {}
    for row in map(json.loads, rows):
        if row["post"] is None or row["part"] not in ("title", "paragraph"):
            continue
        post = posts.setdefault(row["post"], {"time": row["published_at"],
                                              "author": row["author"],
                                              "title": None, "paragraphs": []})
        if row["part"] == "title":
            post["title"] = row["text"]
        else:
            post["paragraphs"].append(row["text"])
    return [posts[k] for k in sorted(posts)]


def rotate(text, copy):
    a, b = SPEAKERS[copy % len(SPEAKERS)], SPEAKERS[(copy + 3) % len(SPEAKERS)]
    return text.replace(a, "\0").replace(b, a).replace("\0", b)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("whosaid")
    p.add_argument("sample")
    p.add_argument("out")
    p.add_argument("--posts", type=int, default=5000)
    p.add_argument("--files", type=int, default=4)
    args = p.parse_args()
    posts = sample_posts(args.whosaid, args.sample)
    os.makedirs(args.out, exist_ok=True)
    outs = [open(os.path.join(args.out, f"posts-{i:02}.jsonl"), "w", encoding="utf-8")
            for i in range(args.files)]
    for n in range(args.posts):
        copy, post = divmod(n, len(posts))
        source = posts[post]
        when = datetime.datetime.fromisoformat(source["time"].replace("Z", "+00:00"))
        # Each copy a day earlier than the last: no post is in the future, and no two
        # copies share a day.
        when -= datetime.timedelta(days=copy)
        line = {
            "id": f"post-{n}",
            "url": f"https://news.example.org/live/{copy}#post-{post}",
            "published_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "title": rotate(source["title"], copy) if source["title"] else None,
            "author": source["author"],
            "body": "\n".join(rotate(p, copy) for p in source["paragraphs"]),
        }
        if not line["body"].strip():
            continue
        outs[n * args.files // args.posts].write(json.dumps(line, ensure_ascii=False) + "\n")
    for f in outs:
        f.close()


if __name__ == "__main__":
    main()
