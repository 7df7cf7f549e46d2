#include "viewer/roster.hpp"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "viewer/sl_data_batch.hpp"

namespace webvox::viewer {

// The batches one event produces, one per receiving session.
class Roster::Outbox {
 public:
  SlDataBatch& to(const std::string& session) { return batches_[session]; }

  std::vector<RosterMessage> take(std::size_t max_agents) {
    std::vector<RosterMessage> messages;
    for (auto& [session, batch] : batches_) {
      for (auto& text : batch.texts(max_agents)) messages.push_back({session, std::move(text)});
    }
    batches_.clear();
    return messages;
  }

 private:
  std::map<std::string, SlDataBatch, std::less<>> batches_;
};

Roster::Roster(RosterConfig config) : config_(std::move(config)) {}

bool Roster::counts(const Session& session) const {
  return session.joined && (session.primary || !config_.spatial);
}

bool Roster::add_session(std::string session, std::string agent_id) {
  if (sessions_.contains(session)) return false;
  Session state;
  state.agent = std::move(agent_id);
  sessions_.emplace(std::move(session), std::move(state));
  return true;
}

std::vector<RosterMessage> Roster::channel_opened(std::string_view session) {
  const auto it = sessions_.find(session);
  if (it == sessions_.end() || it->second.open) return {};
  auto& [id, state] = *it;
  state.open = true;
  Outbox out;
  if (!config_.server_version.empty() && !state.version_sent) {
    out.to(id).version(state.agent, config_.server_version);
    state.version_sent = true;
  }
  if (ready(state)) announce_everyone_to(id, state, out);
  return out.take(config_.max_agents_per_message);
}

std::vector<RosterMessage> Roster::joined(std::string_view session, bool primary) {
  const auto it = sessions_.find(session);
  if (it == sessions_.end()) return {};
  auto& [id, state] = *it;
  const bool counted = counts(state);
  state.joined = true;
  state.primary = primary;
  Outbox out;
  if (!counted && counts(state)) count_in(state, id, out);
  if (counted && !counts(state)) count_out(state, out);
  return out.take(config_.max_agents_per_message);
}

std::vector<RosterMessage> Roster::message_received(std::string_view session,
                                                    const SlDataUpdate& update) {
  if (!update.join) return {};
  return joined(session, update.join->primary);
}

std::vector<RosterMessage> Roster::remove_session(std::string_view session) {
  const auto it = sessions_.find(session);
  if (it == sessions_.end()) return {};
  const Session state = std::move(it->second);
  sessions_.erase(it);
  Outbox out;
  if (counts(state)) count_out(state, out);
  return out.take(config_.max_agents_per_message);
}

std::vector<RosterMessage> Roster::levels(std::span<const SpeakerLevel> levels,
                                          Clock::time_point now) {
  struct Heard {
    double level = 0;
    bool voice = false;
  };
  std::map<std::string_view, Heard> heard;
  for (const auto& entry : levels) {
    if (!agents_.contains(entry.agent_id)) continue;
    auto& h = heard[entry.agent_id];
    if (entry.level > h.level) h.level = entry.level;
    h.voice = h.voice || entry.voice;
  }

  // Level changes go out in rounds, at most one per interval for the whole room, so the
  // speakers' levels share one message per listener instead of one each (at 270 viewers and
  // 3 speakers that was 8,100 SCTP messages a second instead of 2,700).
  const bool round_due = !last_level_round_ || now - *last_level_round_ >= config_.level_interval;
  bool round = false;
  struct Change {
    const std::string* agent;
    std::size_t index;
    int power;
    bool voice;
  };
  std::vector<Change> changes;
  for (auto& [agent, state] : agents_) {
    const auto found = heard.find(agent);
    const bool voice = found != heard.end() && found->second.voice;
    const int power = found == heard.end() ? 0 : power_of_level(found->second.level);
    const bool changed = voice != state.voice;
    const bool due = voice && power != state.power && round_due &&
                     (!state.last_sent || now - *state.last_sent >= config_.level_interval);
    if (!changed && !due) continue;
    round = round || due;
    state.voice = voice;
    state.power = power;
    state.last_sent = now;
    changes.push_back({&agent, state.index, power, voice});
  }
  if (round) last_level_round_ = now;
  if (changes.empty()) return {};

  // Every session is told the changes of the agents it knows; most know them all, so the
  // texts are written once per distinct set of changes told (the key: which of them), not
  // once per listener: in a crowded room that was hundreds of identical JSON texts a round.
  std::map<std::vector<bool>, std::vector<std::string>> texts;
  std::vector<RosterMessage> messages;
  std::vector<bool> told(changes.size());
  for (const auto& [id, session] : sessions_) {
    bool any = false;
    for (std::size_t i = 0; i < changes.size(); ++i) {
      told[i] = session.announced.contains(changes[i].index);
      any = any || told[i];
    }
    if (!any) continue;
    auto [entry, added] = texts.try_emplace(told);
    if (added) {
      SlDataBatch batch;
      for (std::size_t i = 0; i < changes.size(); ++i) {
        if (told[i]) batch.power(*changes[i].agent, changes[i].power, changes[i].voice);
      }
      entry->second = batch.texts(config_.max_agents_per_message);
    }
    for (const auto& text : entry->second) messages.push_back({id, text});
  }
  return messages;
}

void Roster::count_in(Session& session, const std::string& id, Outbox& out) {
  auto [entry, added] = agents_.try_emplace(session.agent);
  auto& agent = entry->second;
  if (added) {
    if (free_indices_.empty()) {
      agent.index = next_index_++;
    } else {
      agent.index = free_indices_.back();
      free_indices_.pop_back();
    }
  }
  if (++agent.counting_sessions == 1) announce_to_everyone(session.agent, out);
  if (session.open) announce_everyone_to(id, session, out);
}

void Roster::count_out(const Session& session, Outbox& out) {
  const auto agent = agents_.find(session.agent);
  if (agent == agents_.end() || --agent->second.counting_sessions > 0) return;
  const auto index = agent->second.index;
  agents_.erase(agent);
  for (auto& [id, other] : sessions_) {
    if (other.announced.erase(index)) out.to(id).leave(session.agent);
  }
  free_indices_.push_back(index);  // no session holds its bit any more
}

void Roster::announce_everyone_to(const std::string& id, Session& session, Outbox& out) {
  for (const auto& [agent, state] : agents_) {
    if (agent == session.agent || !session.announced.insert(state.index)) continue;
    auto& batch = out.to(id);
    batch.join(agent, true);
    if (state.voice) batch.power(agent, state.power, true);
  }
}

void Roster::announce_to_everyone(const std::string& agent, Outbox& out) {
  const auto found = agents_.find(agent);
  if (found == agents_.end()) return;
  const auto& state = found->second;
  for (auto& [id, session] : sessions_) {
    if (!ready(session) || session.agent == agent || !session.announced.insert(state.index)) {
      continue;
    }
    auto& batch = out.to(id);
    batch.join(agent, true);
    if (state.voice) batch.power(agent, state.power, true);
  }
}

bool Roster::has_session(std::string_view session) const { return sessions_.contains(session); }

bool Roster::counts(std::string_view session) const {
  const auto it = sessions_.find(session);
  return it != sessions_.end() && counts(it->second);
}

bool Roster::is_present(std::string_view agent_id) const { return agents_.contains(agent_id); }

std::vector<std::string> Roster::present_agents() const {
  std::vector<std::string> agents;
  agents.reserve(agents_.size());
  for (const auto& [agent, state] : agents_) agents.push_back(agent);
  return agents;
}

}  // namespace webvox::viewer
