#include "core/numbers.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace atelier {
namespace {

// from_chars takes no leading '+'; accept one as people write it ("+0.5"). nullopt for "", "+" and "++1".
std::optional<std::string_view> without_plus(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty() || text.front() == '+') return std::nullopt;
  return text;
}

}  // namespace

std::optional<double> parse_double(std::string_view text, bool allow_special) {
  const std::optional<std::string_view> digits = without_plus(text);
  if (!digits) return std::nullopt;
  const std::string_view body = *digits;
  double value = 0;
  const auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), value);
  if (end != body.data() + body.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    // Too small underflows to 0, too large is out of range: report the latter as not a usable number.
    return std::nullopt;
  }
  if (ec != std::errc()) return std::nullopt;
  if (!allow_special && !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<long long> parse_int(std::string_view text) {
  const std::optional<std::string_view> digits = without_plus(text);
  if (!digits) return std::nullopt;
  const std::string_view body = *digits;
  long long value = 0;
  const auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), value);
  if (ec != std::errc() || end != body.data() + body.size()) return std::nullopt;
  return value;
}

std::string format_double(double value) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

std::string format_fixed(double value, int decimals) {
  char buf[512];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, decimals);
  return ec == std::errc() ? std::string(buf, end) : format_double(value);
}

}  // namespace atelier
