// Keeps RTP senders carrying the track we want now, when "what we want" changes faster than
// replaceTrack completes.
//
// replaceTrack is asynchronous and sender.track changes only when it resolves. Two overlapping
// updates (say "stop: nobody hears us" then "resume: back in range") can each look at the old
// sender.track, and the first may resolve last, leaving the older choice on the wire for good.
// So updates run one after another, and each reads the wanted track when its turn comes: the
// latest wish is the one that stays.
export class SenderTrack {
  // wanted() returns the track (or null) the senders should carry at this moment.
  constructor(wanted) {
    this._wanted = wanted;
    this._chain = Promise.resolve();
  }

  // Brings every sender from senders() in line with wanted(); resolves once this update (and
  // every earlier one) is done. A failing update is reported to its caller only.
  sync(senders) {
    const run = async () => {
      const track = this._wanted();
      for (const sender of senders()) {
        if (sender.track !== track) await sender.replaceTrack(track);
      }
    };
    const done = this._chain.then(run, run);
    this._chain = done.catch(() => {});
    return done;
  }
}
