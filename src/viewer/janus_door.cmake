# The Janus REST door (option A, shared/spec/viewer-webrtc.md §3, §6.3): the Janus HTTP API
# subset and AudioBridge plugin os-webrtc-janus uses, in front of ViewerVoice. Pure: text in,
# text out, time passed in.
# Temporary wiring of the janusdoor branch: these sources join the webvox_viewer library when
# the viewer branches are merged.
add_library(webvox_viewer_janus
  ${CMAKE_CURRENT_LIST_DIR}/janus_api_error.cpp
  ${CMAKE_CURRENT_LIST_DIR}/janus_audiobridge.cpp
  ${CMAKE_CURRENT_LIST_DIR}/janus_audiobridge_request.cpp
  ${CMAKE_CURRENT_LIST_DIR}/janus_gateway.cpp
  ${CMAKE_CURRENT_LIST_DIR}/janus_json.cpp
  ${CMAKE_CURRENT_LIST_DIR}/janus_reply.cpp
  ${CMAKE_CURRENT_LIST_DIR}/janus_request.cpp
  ${CMAKE_CURRENT_LIST_DIR}/janus_room_key.cpp
  ${CMAKE_CURRENT_LIST_DIR}/janus_trickle.cpp
)
target_link_libraries(webvox_viewer_janus PUBLIC webvox_core webvox_sdp
                                                 nlohmann_json::nlohmann_json)
