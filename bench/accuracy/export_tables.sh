#!/bin/bash
# Exports two public credit data sets shipped in Debian's R packages as CSV
# tables with a 0/1 label (1 = bad), for the accuracy comparison:
#   credit_data.csv   modeldata::credit_data (4,454 loans of a Spanish bank;
#                     Status bad/good; text and numeric columns, missing values)
#   german_credit.csv caret::GermanCredit (UCI Statlog German credit, 1,000
#                     loans; Class Bad/Good; 61 numeric and dummy columns)
set -euo pipefail
out=${1:-.}
need=()
for p in r-base-core r-cran-modeldata r-cran-caret; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
Rscript -e '
args <- commandArgs(TRUE)
data(credit_data, package = "modeldata")
d <- credit_data
d$bad <- as.integer(d$Status == "bad"); d$Status <- NULL
d$id <- sprintf("L%04d", seq_len(nrow(d)))
write.csv(d[, c("id", setdiff(names(d), "id"))], file.path(args[1], "credit_data.csv"), row.names = FALSE, na = "")
data(GermanCredit, package = "caret")
g <- GermanCredit
g$bad <- as.integer(g$Class == "Bad"); g$Class <- NULL
g$id <- sprintf("G%04d", seq_len(nrow(g)))
write.csv(g[, c("id", setdiff(names(g), "id"))], file.path(args[1], "german_credit.csv"), row.names = FALSE, na = "")
' "$out"
echo "wrote $out/credit_data.csv $out/german_credit.csv"
