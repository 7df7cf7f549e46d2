// Remembered preferences (display name, devices, per-person volume).
// localStorage can throw (privacy modes, disabled storage); remembering is a nicety only.
function storeGet(key) {
  try {
    return localStorage.getItem(`webvox.${key}`);
  } catch {
    return null;
  }
}
function storeSet(key, value) {
  try {
    localStorage.setItem(`webvox.${key}`, value);
  } catch {
    // not remembered, that's all
  }
}
export const store = {
  get: storeGet,
  set: storeSet,
  getJson(key) {
    try {
      return JSON.parse(storeGet(key) ?? 'null');
    } catch {
      return null;
    }
  },
  setJson(key, value) {
    storeSet(key, JSON.stringify(value));
  },
};

// Per-person volume (0…2, 1 = as sent), remembered by account.
export const volumes = {
  get(account) {
    if (!account) return 1;
    return store.getJson('volumes')?.[account] ?? 1;
  },
  set(account, volume) {
    const all = store.getJson('volumes') ?? {};
    all[account] = volume;
    store.setJson('volumes', all);
  },
};
