#pragma once

namespace webvox::app {

// Whether standard output goes to systemd's journal: systemd sets JOURNAL_STREAM to the
// "device:inode" of the stream it connects, which stays a pipe or terminal's only if
// output was not redirected elsewhere. What is printed there is kept like a log line.
bool stdout_is_journal();

}  // namespace webvox::app
