// Calendar dates as the policy rules and --today read them: strict YYYY-MM-DD.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace catalog_lint {

/// Days since 1970-01-01 of a `YYYY-MM-DD` date; std::nullopt when `s` is not a valid date.
std::optional<long> parse_date_days(std::string_view s);

/// Today's local date as `YYYY-MM-DD`.
std::string current_date();

}  // namespace catalog_lint
