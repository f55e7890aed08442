// Backstage's field-format validators, exactly as catalog-model 1.10.3 defines them.
#pragma once

#include <string_view>

namespace catalog_lint::validators {

/// `isValidDnsLabel` (`src/validation/KubernetesValidatorFunctions.ts`): 1–63 chars,
/// `^[a-z0-9]+(?:\-+[a-z0-9]+)*$`.
bool dns_label(std::string_view s);
/// `isValidDnsSubdomain`: 1–253 chars, every `.`-separated part a DNS label.
bool dns_subdomain(std::string_view s);
/// `isValidObjectName`: 1–63 chars, `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`.
bool object_name(std::string_view s);
/// `isValidApiVersion`: `[<dns subdomain>/]<suffix>`, suffix `^[a-z0-9A-Z]+$` of 1–63 chars.
bool api_version(std::string_view s);
/// `isValidKind`: 1–63 chars, `^[a-zA-Z][a-z0-9A-Z]*$`.
bool kind(std::string_view s);
/// Label and annotation keys (`isValidLabelKey`/`isValidAnnotationKey`):
/// `[<dns subdomain>/]<object name>`, at most one `/`.
bool label_key(std::string_view s);
/// `isValidLabelValue`: empty or an object name.
bool label_value(std::string_view s);
/// makeValidator's `isValidTag` (`src/validation/makeValidator.ts`): 1–63 chars,
/// `^[a-z0-9:+#]+(\-[a-z0-9:+#]+)*$`.
bool tag(std::string_view s);
/// `isNonEmptyString`: at least one non-whitespace character (JS `trim()` semantics, ASCII).
bool non_empty_string(std::string_view s);
/// `isValidUrl` is `new URL(s)` succeeding (WHATWG). Approximation: a scheme
/// `^[A-Za-z][A-Za-z0-9+.-]*:` then, for special schemes (http, https, ws, wss, ftp, file), a
/// non-empty host with no spaces; no ASCII whitespace or control characters anywhere.
bool url(std::string_view s);

}  // namespace catalog_lint::validators
