#include "api/types.h"

namespace api {

std::string_view message_key(TokenError error) {
  switch (error) {
    case TokenError::NameMissing:
      return "api.tokens.errors.name_missing";
    case TokenError::NameTooLong:
      return "api.tokens.errors.name_too_long";
    case TokenError::NameInvalid:
      return "api.tokens.errors.name_invalid";
    case TokenError::TooManyTokens:
      return "api.tokens.errors.too_many";
  }
  return "api.tokens.errors.name_missing";
}

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::BadRequest:
      return "bad_request";
    case ErrorCode::Unauthorized:
      return "unauthorized";
    case ErrorCode::Forbidden:
      return "forbidden";
    case ErrorCode::NotFound:
      return "not_found";
    case ErrorCode::MethodNotAllowed:
      return "method_not_allowed";
    case ErrorCode::PayloadTooLarge:
      return "payload_too_large";
    case ErrorCode::Unprocessable:
      return "unprocessable";
    case ErrorCode::RateLimited:
      return "rate_limited";
    case ErrorCode::Unavailable:
      return "unavailable";
    case ErrorCode::Internal:
      return "internal";
  }
  return "internal";
}

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::BadRequest:
      return 400;
    case ErrorCode::Unauthorized:
      return 401;
    case ErrorCode::Forbidden:
      return 403;
    case ErrorCode::NotFound:
      return 404;
    case ErrorCode::MethodNotAllowed:
      return 405;
    case ErrorCode::PayloadTooLarge:
      return 413;
    case ErrorCode::Unprocessable:
      return 422;
    case ErrorCode::RateLimited:
      return 429;
    case ErrorCode::Unavailable:
      return 503;
    case ErrorCode::Internal:
      return 500;
  }
  return 500;
}

ErrorCode error_code_for_status(int status) {
  switch (status) {
    case 401:
      return ErrorCode::Unauthorized;
    case 403:
      return ErrorCode::Forbidden;
    case 404:
      return ErrorCode::NotFound;
    case 405:
      return ErrorCode::MethodNotAllowed;
    case 413:
      return ErrorCode::PayloadTooLarge;
    case 422:
      return ErrorCode::Unprocessable;
    case 429:
      return ErrorCode::RateLimited;
    case 503:
      return ErrorCode::Unavailable;
    default:
      return status >= 500 ? ErrorCode::Internal : ErrorCode::BadRequest;
  }
}

}  // namespace api
