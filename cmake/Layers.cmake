# The layering of src/, enforced by the build; the edges are written down once, in
# cmake/layers.txt (scripts/check_layers.py reads the same table for every #include).
#
# - webvox_layer(<target> <folder>) makes <target> the library of src/<folder> and publishes
#   that folder, and only that folder, to the targets that link it: the folder gets an include
#   root of its own in the build tree (<build>/layers/<folder id>/<folder>, a symbolic link to
#   the sources), so #include "core/channel.hpp" compiles only where webvox_core is linked.
#   There is no include root for the whole of src/.
# - webvox_check_layer_links(), called once every library is defined, stops the configuration
#   when a library links a webvox library its layer may not use.

set(WEBVOX_LAYER_TABLE ${PROJECT_SOURCE_DIR}/cmake/layers.txt)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${WEBVOX_LAYER_TABLE})

file(STRINGS ${WEBVOX_LAYER_TABLE} _webvox_layer_lines REGEX "^[a-z0-9_/]+:")
set(WEBVOX_LAYERS "")
foreach(_line IN LISTS _webvox_layer_lines)
  string(REGEX MATCH "^([a-z0-9_/]+):(.*)$" _match "${_line}")
  set(_folder ${CMAKE_MATCH_1})
  string(STRIP "${CMAKE_MATCH_2}" _uses)
  string(REGEX REPLACE "[ \t]+" ";" _uses "${_uses}")
  string(MAKE_C_IDENTIFIER "${_folder}" _id)
  list(APPEND WEBVOX_LAYERS ${_folder})
  set(WEBVOX_LAYER_USES_${_id} ${_uses})
endforeach()

# The folders <folder> may use: its own, those the table names, and what they may use in turn.
function(webvox_layer_reach folder out)
  set(reach ${folder})
  set(pending ${folder})
  while(pending)
    list(POP_FRONT pending current)
    string(MAKE_C_IDENTIFIER "${current}" id)
    foreach(used IN LISTS WEBVOX_LAYER_USES_${id})
      if(NOT used IN_LIST reach)
        list(APPEND reach ${used})
        list(APPEND pending ${used})
      endif()
    endforeach()
  endwhile()
  set(${out} ${reach} PARENT_SCOPE)
endfunction()

function(webvox_layer target folder)
  if(NOT folder IN_LIST WEBVOX_LAYERS)
    message(FATAL_ERROR "${target}: src/${folder} is not a layer of ${WEBVOX_LAYER_TABLE}")
  endif()
  string(MAKE_C_IDENTIFIER "${folder}" id)
  set(root ${PROJECT_BINARY_DIR}/layers/${id})
  if(NOT IS_SYMLINK ${root}/${folder})
    get_filename_component(parent ${root}/${folder} DIRECTORY)
    file(MAKE_DIRECTORY ${parent})
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/src/${folder} ${root}/${folder} SYMBOLIC)
  endif()
  target_include_directories(${target} PUBLIC ${root})
  set_property(TARGET ${target} PROPERTY WEBVOX_LAYER ${folder})
  set_property(GLOBAL APPEND PROPERTY WEBVOX_LAYER_TARGETS ${target})
endfunction()

function(webvox_check_layer_links)
  get_property(targets GLOBAL PROPERTY WEBVOX_LAYER_TARGETS)
  foreach(target IN LISTS targets)
    get_target_property(folder ${target} WEBVOX_LAYER)
    webvox_layer_reach(${folder} reach)
    get_target_property(links ${target} LINK_LIBRARIES)
    foreach(link IN LISTS links)
      if(NOT link MATCHES "^webvox_")
        continue()
      endif()
      get_target_property(used ${link} WEBVOX_LAYER)
      if(NOT used)
        message(FATAL_ERROR "${target} (src/${folder}) links ${link}, which is no layer's library")
      elseif(NOT used IN_LIST reach)
        message(FATAL_ERROR "${target} (src/${folder}) links ${link} (src/${used}), but "
                            "${WEBVOX_LAYER_TABLE} does not let ${folder} use ${used}")
      endif()
    endforeach()
  endforeach()
endfunction()
