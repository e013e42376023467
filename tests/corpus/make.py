#!/usr/bin/python3
"""Writes the bad-input corpus: files/ and EXPECTED (name|exit|text stderr must hold|options).

Run it again after changing a case; the files are committed so that the
tests need no Python."""
import gzip, os, random, zlib

H = "uscc,source,field,period,value\n"
U1, U2 = "914403001922038216", "91330100799655058B"
GOOD = U1 + ",tax,sales,2024-01,1000\n"
here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "files")
cases = []

def case(name, data, exit_status, expect, options=""):
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
    cases.append((name, exit_status, expect, options))

def line(text, exit_status, expect, name, options=""):
    """A file with one good line, the line under test (line 3), one good line."""
    case(name, H + GOOD + text + "\n" + U2 + ",power,kwh,2024-01,5\n", exit_status,
         expect.replace("@", name + ":3:"), options)

def gz(data, mtime=0):
    return gzip.compress(data.encode() if isinstance(data, str) else data, mtime=mtime)

body = H + "".join(f"{U1},power,kwh,2023-{m:02d},{m * 100}\n" for m in range(1, 13))

# -- the file as a whole: exit 2, nothing used
case("empty.csv", "", 2, "empty.csv: empty; expected the header")
case("no_header.csv", GOOD, 2, "no_header.csv:1: expected the header")
case("header_wrong_order.csv", "uscc,source,field,value,period\n" + GOOD, 2, "header_wrong_order.csv:1: expected the header")
case("header_upper_case.csv", H.upper() + GOOD, 2, "header_upper_case.csv:1: expected the header")
case("header_extra_column.csv", "uscc,source,field,period,value,note\n" + GOOD, 2, "header_extra_column.csv:1:")
case("header_spaces.csv", "uscc, source, field, period, value\n" + GOOD, 2, "header_spaces.csv:1:")
case("header_semicolons.csv", "uscc;source;field;period;value\n" + GOOD, 2, "header_semicolons.csv:1:")
case("bom_only.csv", b"\xef\xbb\xbf", 2, "bom_only.csv: empty")
random.seed(1)
case("binary_garbage.bin", bytes(random.randrange(256) for _ in range(3000)), 2, "binary_garbage.bin:1: expected the header")
z = gz(body)
case("truncated.csv.gz", z[: len(z) // 2], 2, "truncated.csv.gz: gzip stream is truncated")
case("truncated_trailer.csv.gz", z[:-3], 2, "truncated_trailer.csv.gz: gzip stream is truncated")
case("gzip_magic_only.csv.gz", b"\x1f\x8b", 2, "gzip_magic_only.csv.gz:")
bad = bytearray(z); bad[len(bad) // 2] ^= 0xFF
case("corrupt.csv.gz", bytes(bad), 2, "corrupt.csv.gz: corrupt gzip stream")
bad = bytearray(z); bad[-8] ^= 0x01
case("bad_crc.csv.gz", bytes(bad), 2, "bad_crc.csv.gz: corrupt gzip stream")
case("trailing_garbage.csv.gz", z + b"this is not gzip\n", 2, "trailing_garbage.csv.gz: 17 bytes after gzip member 1")
case("trailing_zeros.csv.gz", z + b"\0" * 512, 2, "are not another gzip member")
case("second_member_truncated.csv.gz", z + gz(body)[:20], 2, "second_member_truncated.csv.gz: gzip stream is truncated (member 2")
case("header_gz_then_bad.csv.gz", gz("uscc,source,field\n" + GOOD), 2, "header_gz_then_bad.csv.gz:1: expected the header")

# -- structure of one line: exit 3, that line named, the rest used
line('"' + U1 + '",tax,sales,2024-02,"1', 3, "@5: value: quote not closed", "unclosed_quote.csv")
line(U1 + ',tax,sales,2024-02,"1"2', 3, "@5: value: unexpected character after a closing quote", "text_after_quote.csv")
line(U1 + ',tax,sa"les,2024-02,1', 3, "@3: field: a quote inside an unquoted field", "quote_in_unquoted_field.csv")
line(U1 + ",tax,sales,2024-02", 3, "@5: value: expected 5 columns", "too_few_columns.csv")
line(U1 + ",tax,sales,2024-02,1,x", 3, "@6: expected 5 columns (uscc,source,field,period,value), found 6", "too_many_columns.csv")
line(U1 + ";tax;sales;2024-02;1", 3, "@2: source: expected 5 columns", "semicolon_line.csv")
line(U1 + ",tax,sales,2024-02," + "9" * 70000, 3, "@1: line is longer than the limit", "long_line.csv")
line(U1 + ",tax,sales,2024-02,1\0", 3, "@5: value: expected a decimal number", "nul_byte.csv")

# -- the code
line("914403001922038217,tax,sales,2024-02,1", 3, "@1: uscc: check character is '7', expected '6'", "uscc_check_character.csv")
line("91330100799655058b,tax,sales,2024-02,1", 3, "@1: uscc: character 18 'b' is lower case", "uscc_lower_case.csv")
line("9144030019220382,tax,sales,2024-02,1", 3, "@1: uscc: expected an 18-character", "uscc_short.csv")
line("91440300I922038216,tax,sales,2024-02,1", 3, "@1: uscc: character 9 is not one of", "uscc_letter_i.csv")
line(" 914403001922038216,tax,sales,2024-02,1", 3, "@1: uscc: expected an 18-character", "uscc_leading_space.csv")
line("914403001922038217,customs,x,bad,bad", 3, "@1: uscc:", "order_code_before_source.csv")

# -- periods
line(U1 + ",tax,sales,2024,1", 3, "@4: period: tax:sales is monthly", "period_monthly_given_year.csv")
line(U1 + ",tax,rating,2023-12,A", 3, "@4: period: tax:rating is annual", "period_annual_given_month.csv")
line(U1 + ",profile,hitech,2024-01,1", 3, "@4: period: profile:hitech is a profile field", "period_profile_given_month.csv")
line(U1 + ",tax,sales,2024-13,1", 3, "@4: period:", "period_month_13.csv")
line(U1 + ",tax,sales,24-01,1", 3, "@4: period:", "period_two_digit_year.csv")
line(U1 + ",tax,sales,2024-02,abc", 3, "@5: value:", "order_period_before_value.csv")

# -- values
for name, value in [("nan", "nan"), ("inf", "inf"), ("hex", "0x1A"), ("comma_decimal", "\"1,5\""),
                    ("leading_space", " 12"), ("trailing_space", "12 "), ("upper_exponent", "1E6"),
                    ("bare_point", ".5"), ("thousands", "1_000")]:
    line(U1 + ",tax,sales,2024-02," + value, 3, "@5: value: expected a decimal number", f"value_{name}.csv")
line(U1 + ",tax,sales,2024-02,1e400", 3, "@5: value: number overflows a double", "value_overflow.csv")
line(U1 + ",tax,arrears,2024-02,-5", 3, "@5: value: tax:arrears must be >= 0", "negative_arrears.csv")
line(U1 + ",social,insured,2024-02,12.5", 3, "@5: value: social:insured must be a whole number", "fractional_headcount.csv")
line(U1 + ",orders,top_buyer_share,2024-02,1.2", 3, "@5: value: orders:top_buyer_share must lie in 0..1", "share_above_one.csv")
line(U1 + ",court,dishonest,2024-02,2", 3, "@5: value: court:dishonest must be 0 or 1", "flag_two.csv")
line(U1 + ",profile,established,,2023-02-30", 3, "@5: value: not a real date", "date_feb_30.csv")
line(U1 + ",profile,industry,,X1234", 3, "@5: value: expected a GB/T 4754-2017 industry code", "industry_unknown_section.csv")
line(U1 + ",profile,industry,,C0111", 3, "@5: value: industry code's division does not belong", "industry_wrong_division.csv")
line(U1 + ",profile,region,,990000", 3, "@5: value: no province", "region_unknown_province.csv")
line(U1 + ",tax,rating,2023,AA", 3, "@5: value: expected a tax credit rating", "rating_unknown.csv")
line(U1 + ",tax,sales,2024-02,\xff\xfe", 3, "@5: value:", "invalid_utf8.csv")

# -- warnings: counted, file used (exit 0), and the same fail in strict mode
line(U1 + ",customs,exports,2024-02,1", 0, "@2: source: unknown source \"customs\"; line skipped", "unknown_source.csv")
line(U1 + ",customs,exports,2024-02,1", 2, "@2: source: unknown source \"customs\"; line skipped (strict mode)", "unknown_source_strict.csv", "--strict")
line(U1 + ",tax,sales,2024-01,2000", 0, "@ replaces an earlier observation of tax:sales 2024-01", "duplicate.csv")
line(U1 + ",tax,sales,2024-01,2000", 2, "@ replaces an earlier observation of tax:sales 2024-01 (strict mode)", "duplicate_strict.csv", "--strict")
line(U1 + ",tax,sales,2024-02,x", 2, "@5: value: expected a decimal number", "bad_value_strict.csv", "--strict")

# -- files that follow the standard in unusual ways: exit 0
case("bom_crlf_blank_lines.csv", b"\xef\xbb\xbf" + (H + "\n" + GOOD + "\n\n").replace("\n", "\r\n").encode(), 0, "")
case("concatenated_members.csv.gz", gz(body) + gz(H + U2 + ",water,m3,2024-01,3\n"), 0, "")
case("repeated_header.csv", body + body, 0, "")

with open(os.path.join(here, "EXPECTED"), "w") as f:
    f.write("# name|exit status|text that stderr must hold|options of score check\n")
    for c in cases:
        f.write("|".join(str(x) for x in c) + "\n")
print(len(cases), "cases")
