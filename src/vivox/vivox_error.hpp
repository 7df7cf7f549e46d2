#pragma once

namespace webvox::vivox {

// Error codes in <body><code>, as VivoxVoiceModule interprets them (spec §5.3, §6).
enum class ErrorCode {
  ExpiredCredentials = 201,  // token signed out; the module signs in again
  MissingCredentials = 202,  // no auth_token
  NotAuthorized = 212,       // unknown token, or wrong admin credentials
  MissingParameter = 300,    // also: unknown API call
  InvalidParameter = 400,
  AccountNotFound = 403,  // the module then creates the account
  NotFound = 404,
  Conflict = 409,         // a directory that still has channels
  TooManyAttempts = 429,  // sign-in not checked: too many failures (see CredentialThrottle)
  Internal = 500,
};

}  // namespace webvox::vivox
