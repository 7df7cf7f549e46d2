#include "load_session.hpp"

namespace webvox::load {

std::string_view to_string(LoadSession::Stage stage) {
  switch (stage) {
    case LoadSession::Stage::SigningIn:
      return "signing in";
    case LoadSession::Stage::Joining:
      return "joining";
    case LoadSession::Stage::Negotiating:
      return "negotiating";
    case LoadSession::Stage::Connecting:
      return "connecting";
    case LoadSession::Stage::Ready:
      return "ready";
    case LoadSession::Stage::Failed:
      return "failed";
  }
  return "?";
}

}  // namespace webvox::load
