#pragma once
// Locale-independent number parsing and printing. The GIMP plug-in runs under the user's locale (setlocale), where
// strtod and printf("%f") read and write decimal commas; files (JSON, safetensors headers), dose strings, CLI flags
// and messages must always use the dot, so everything that turns numbers into text or back goes through here.
#include <optional>
#include <string>
#include <string_view>

namespace atelier {

// The whole of `text` as a decimal number ("0.5", "-1e-3", "2"); nullopt for anything else, including "0,5",
// "", " 1", "1x", "nan" and "inf" (allow_special = true accepts "nan", "inf", "-inf" as well).
std::optional<double> parse_double(std::string_view text, bool allow_special = false);
// The whole of `text` as an integer in [-2^63, 2^63); nullopt for anything else (fractions, overflow, "").
std::optional<long long> parse_int(std::string_view text);

// Shortest text that reads back to the same double ("0.1", "1e-05", "3"), always with a dot.
std::string format_double(double value);
// Fixed number of decimals ("1.5" for 1.49 with 1 decimal), always with a dot.
std::string format_fixed(double value, int decimals);

}  // namespace atelier
