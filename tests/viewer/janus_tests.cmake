# Unit tests of the Janus REST door (src/viewer/janus_*): parsers and replies on their own, and
# the gateway driven with os-webrtc-janus's exact request bodies and a fake ViewerVoice.
# Temporary wiring of the janusdoor branch: these join webvox_viewer_tests when the viewer
# branches are merged.
add_executable(webvox_viewer_janus_tests
  ${CMAKE_CURRENT_LIST_DIR}/janus_gateway_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/janus_messages_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/janus_room_key_test.cpp
)
target_include_directories(webvox_viewer_janus_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(webvox_viewer_janus_tests PRIVATE webvox_viewer_janus GTest::gtest_main
                                                        Threads::Threads)
gtest_discover_tests(webvox_viewer_janus_tests DISCOVERY_TIMEOUT 60)
