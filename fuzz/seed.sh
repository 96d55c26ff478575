#!/usr/bin/env bash
# Seed the fuzz corpora from the repository's own books and fixtures (nothing is committed:
# corpus/ and artifacts/ are ignored). Run from anywhere: `fuzz/seed.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/corpus
mkdir -p "$out/markdown_page" "$out/topology_yaml" "$out/book_files" "$out/terraform_module"

# Every page of every book: the Markdown target.
n=0
while IFS= read -r -d '' f; do
  cp "$f" "$out/markdown_page/page-$n.md"; n=$((n + 1))
done < <(find content tests/books -name '*.md' -print0)

# Every YAML fixture and every topology block of the books: the YAML target.
n=0
while IFS= read -r -d '' f; do
  cp "$f" "$out/topology_yaml/fixture-$n.yaml"; n=$((n + 1))
done < <(find tests/fixtures -name '*.yaml' -print0)
find content tests/books -name '*.md' -print0 | xargs -0 awk -v dir="$out/topology_yaml" '
  FNR == 1 { inside = 0 }
  /^[ >-]*```+ *yaml topology/ { inside = 1; n++; file = sprintf("%s/block-%05d.yaml", dir, n); next }
  inside && /^[ >]*```/ { inside = 0; close(file); next }
  inside { sub(/^> ?/, ""); print > file }
'

# SUMMARY.md, book.toml and front matter: the book files target.
n=0
while IFS= read -r -d '' f; do
  cp "$f" "$out/book_files/file-$n"; n=$((n + 1))
done < <(find . -path ./target -prune -o -path ./fuzz -prune -o \( -name SUMMARY.md -o -name book.toml \) -print0)
find content tests/books -name '*.md' -print0 | xargs -0 awk -v dir="$out/book_files" '
  FNR == 1 { if (file) close(file); file = ""; inside = ($0 == "---" || $0 == "+++"); if (inside) { n++; file = sprintf("%s/front-%04d.md", dir, n); print > file }; next }
  inside { print > file; if ($0 == "---" || $0 == "+++") { inside = 0 } }
'

# Every Terraform fixture module, its files joined by NUL bytes: the Terraform target.
n=0
for d in tests/fixtures/infra/terraform/*/; do
  find "$d" -maxdepth 1 -type f \( -name '*.tf' -o -name '*.tfvars' \) -print0 | sort -z |
    xargs -0 awk 'FNR == 1 && NR > 1 { printf "%c", 0 } { print }' > "$out/terraform_module/module-$n"
  n=$((n + 1))
done

for t in markdown_page topology_yaml book_files terraform_module; do
  echo "$t: $(ls "$out/$t" | wc -l) seeds"
done
