// webvox HUD: tells webvoxd where its wearer stands and faces, so that voice in the browser
// is positional like in-world voice, and opens a join link (touch the HUD) that signs the
// browser in as the wearer, into the voice channel of the parcel the wearer stands on.
//
// Setup for grid operators: integrations/opensim/README.md. Protocol: docs/world.md.
// Uses only functions OpenSimulator implements; no OSSL.

// ---- Configuration: set these before handing the HUD out, and hand it out no-modify ----
// (anyone who can read this script can speak for every avatar of the grid to webvoxd).

string  SERVER_URL   = "https://voice.example.org:8443"; // webvoxd as the simulators reach it, no trailing /
string  WEB_URL      = "";      // webvoxd as residents' browsers reach it; "" = SERVER_URL
string  WORLD_SECRET = "paste webvoxd's world-secret here";
integer VERIFY_CERT  = TRUE;    // FALSE if SERVER_URL is https with webvoxd's self-signed certificate
string  REGION_ID    = "";      // optional: this region's UUID, only for estate-voice parcels in a
                                // region with a parcel named like the region (docs/world.md)

// ---- Tuning. OpenSim lets one prim make 1 llHTTPRequest per second (bursts of 3) by default
// ([ScriptsHttpRequestModule] PrimRequestsPerSec); this HUD stays within that. ----

float TICK            = 1.0;   // seconds between looks at the wearer; at most one report each
float MOVE_METRES     = 0.5;   // report when moved further than this...
float TURN_RADIANS    = 0.26;  // ...or turned more than this (15 degrees)...
float KEEPALIVE       = 5.0;   // ...or when this long has passed: webvoxd lets a position from
                               // the world stand over the browser's own for 10 seconds
float MAX_BACKOFF     = 120.0; // longest pause after errors
float REQUEST_TIMEOUT = 40.0;  // give up waiting for an answer (OpenSim's own timeout is 30 s)

// llGetParcelFlags bits (OpenSim's ParcelFlags; literals because older simulators do not
// define PARCEL_FLAG_ALLOW_VOICE_CHAT and PARCEL_FLAG_USE_ESTATE_VOICE_CHAN for scripts).
integer FLAG_ALLOW_VOICE  = 0x20000000;
integer FLAG_ESTATE_VOICE = 0x40000000;

key     gPositionRequest = NULL_KEY;
key     gLinkRequest     = NULL_KEY;
float   gPositionAskedAt;
vector  gPendingPos;
float   gPendingYaw;
vector  gLastPos;
float   gLastYaw;
float   gLastSentAt  = -1000.0;
float   gBackoff     = 0.0;    // seconds of the current pause; 0 while all is well
float   gQuietUntil  = 0.0;    // no reports before this llGetTime()
integer gStopped     = FALSE;  // a setup error was reported to the wearer: stay quiet
string  gLinkParcel  = "";     // the parcel of the last link, to notice leaving it

string form(string name, string value)
{
    return name + "=" + llEscapeURL(value);
}

key post(string path, string body)
{
    return llHTTPRequest(SERVER_URL + path,
        [HTTP_METHOD, "POST",
         HTTP_MIMETYPE, "application/x-www-form-urlencoded",
         HTTP_VERIFY_CERT, VERIFY_CERT,
         HTTP_BODY_MAXLENGTH, 512],
        form("secret", WORLD_SECRET) + "&" + body);
}

// llHTTPRequest answers NULL_KEY when OpenSim's throttle refuses, "" when the URL is refused.
integer sent(key id)
{
    return id != NULL_KEY && (string)id != "";
}

float angle_between(float a, float b)
{
    float d = a - b;
    while (d > PI) d -= TWO_PI;
    while (d < -PI) d += TWO_PI;
    return llFabs(d);
}

back_off()
{
    if (gBackoff == 0.0) gBackoff = 2.0;
    else gBackoff = llListStatistics(LIST_STAT_MIN, [gBackoff * 2.0, MAX_BACKOFF]);
    gQuietUntil = llGetTime() + gBackoff;
}

stop(string why)
{
    gStopped = TRUE;
    llOwnerSay("webvox: " + why + " Positions are no longer sent; fix the HUD's settings and reset it.");
}

report_position()
{
    if (gStopped || gPositionRequest != NULL_KEY || llGetAttached() == 0) return;
    float now = llGetTime();
    if (now < gQuietUntil) return;
    list pose = llGetObjectDetails(llGetOwner(), [OBJECT_POS, OBJECT_ROT]);
    if (llGetListLength(pose) < 2) return;
    vector pos = llList2Vector(pose, 0);
    rotation rot = llList2Rot(pose, 1);
    float yaw = llRot2Euler(rot).z;
    if (llVecDist(pos, gLastPos) <= MOVE_METRES && angle_between(yaw, gLastYaw) <= TURN_RADIANS
        && now - gLastSentAt < KEEPALIVE) return;
    key id = post("/world/position", form("pos", (string)pos) + "&" + form("rot", (string)rot));
    if (!sent(id)) return;  // throttled by the simulator: the next tick tries again
    gPositionRequest = id;
    gPositionAskedAt = now;
    gPendingPos = pos;
    gPendingYaw = yaw;
}

ask_for_link()
{
    if (gLinkRequest != NULL_KEY) {
        llOwnerSay("webvox: still waiting for the last link.");
        return;
    }
    vector pos = llList2Vector(llGetObjectDetails(llGetOwner(), [OBJECT_POS]), 0);
    integer flags = llGetParcelFlags(pos);
    string parcel = llList2String(llGetParcelDetails(pos, [PARCEL_DETAILS_ID]), 0);
    string body = form("parcel", parcel)
        + "&" + form("estate_voice", (string)((flags & FLAG_ESTATE_VOICE) != 0));
    if (REGION_ID != "") body += "&" + form("region", REGION_ID);
    key id = post("/world/link", body);
    if (!sent(id)) {
        llOwnerSay("webvox: the simulator is holding back this HUD's requests; touch again in a moment.");
        return;
    }
    gLinkRequest = id;
    gLinkParcel = parcel;
}

position_answered(integer status, string body)
{
    gPositionRequest = NULL_KEY;
    if (status == 200) {
        gLastPos = gPendingPos;
        gLastYaw = gPendingYaw;
        gLastSentAt = llGetTime();
        gBackoff = 0.0;
    } else if (status == 403) {
        stop("webvoxd refused the HUD's WORLD_SECRET (" + llStringTrim(body, STRING_TRIM) + ").");
    } else if (status == 404) {
        stop("webvoxd at SERVER_URL does not take positions (is its world-secret set?).");
    } else {
        // 429 (too fast), 400 (a bad value, told once per pause), 499 (no answer), 5xx.
        if (status == 400 && gBackoff == 0.0) llOwnerSay("webvox: " + llStringTrim(body, STRING_TRIM));
        back_off();
    }
}

link_answered(integer status, string body)
{
    gLinkRequest = NULL_KEY;
    body = llStringTrim(body, STRING_TRIM);
    if (status == 200 && llGetSubString(body, 0, 2) == "/j/") {
        string base = WEB_URL;
        if (base == "") base = SERVER_URL;
        llLoadURL(llGetOwner(), "Talk in your browser: this link signs you in to this parcel's voice once, for 5 minutes.",
                  base + body);
    } else if (status == 404 && llGetSubString(body, 0, 1) != "<!") {
        vector pos = llList2Vector(llGetObjectDetails(llGetOwner(), [OBJECT_POS]), 0);
        string hint = "";
        if ((llGetParcelFlags(pos) & FLAG_ALLOW_VOICE) == 0) hint = " Voice is off on this parcel.";
        llOwnerSay("webvox: " + body + hint);
    } else if (status == 429) {
        llOwnerSay("webvox: too many links in a row; wait ten seconds and touch again.");
    } else {
        llOwnerSay("webvox: no link (HTTP " + (string)status + "): " + body);
    }
}

default
{
    state_entry()
    {
        if (llSubStringIndex(SERVER_URL, "example.org") != -1 || llSubStringIndex(WORLD_SECRET, " ") != -1) {
            llOwnerSay("webvox: this HUD is not set up yet (SERVER_URL, WORLD_SECRET).");
            gStopped = TRUE;
        }
        llSetTimerEvent(TICK);
    }

    on_rez(integer param)
    {
        llResetScript();
    }

    changed(integer change)
    {
        if (change & CHANGED_OWNER) llResetScript();
        // Region-local coordinates start over in a new region: report at once.
        if (change & (CHANGED_REGION | CHANGED_TELEPORT)) gLastSentAt = -1000.0;
    }

    touch_start(integer count)
    {
        if (llDetectedKey(0) == llGetOwner() && !gStopped) ask_for_link();
    }

    timer()
    {
        if (gPositionRequest != NULL_KEY && llGetTime() - gPositionAskedAt > REQUEST_TIMEOUT) {
            gPositionRequest = NULL_KEY;
            back_off();
        }
        report_position();
        if (gLinkParcel != "" && llGetAttached() != 0) {
            vector pos = llList2Vector(llGetObjectDetails(llGetOwner(), [OBJECT_POS]), 0);
            string parcel = llList2String(llGetParcelDetails(pos, [PARCEL_DETAILS_ID]), 0);
            if (parcel != gLinkParcel) {
                gLinkParcel = "";
                llOwnerSay("webvox: you left the parcel whose voice you joined; touch the HUD for this one's.");
            }
        }
    }

    http_response(key id, integer status, list meta, string body)
    {
        if (id == gPositionRequest) position_answered(status, body);
        else if (id == gLinkRequest) link_answered(status, body);
    }
}
