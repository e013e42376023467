# Every `docs/<path>` cited anywhere in the tree (code, comments, docs,
# README, Python, scripts) must exist, and so must every relative link of a
# Markdown page. Run as: cmake -DSOURCE_DIR=<repository> -P check_docs_refs.cmake
if(NOT SOURCE_DIR)
  message(FATAL_ERROR "set -DSOURCE_DIR to the repository")
endif()

file(GLOB_RECURSE candidates RELATIVE ${SOURCE_DIR}
  ${SOURCE_DIR}/*.c ${SOURCE_DIR}/*.h ${SOURCE_DIR}/*.md ${SOURCE_DIR}/*.py
  ${SOURCE_DIR}/*.sh ${SOURCE_DIR}/*.cmake ${SOURCE_DIR}/*.txt ${SOURCE_DIR}/*.map
  ${SOURCE_DIR}/*.in ${SOURCE_DIR}/*.toml ${SOURCE_DIR}/*.cfg)
set(files "")
foreach(f ${candidates})
  # build trees, git's own files and binary-ish test data are not the tree's text
  if(f MATCHES "^(build[^/]*|\\.git|\\.cache)/" OR f MATCHES "/(CMakeFiles|__pycache__)/"
     OR f MATCHES "^tests/(fuzz/corpus|corpus/files)/")
    continue()
  endif()
  list(APPEND files ${f})
endforeach()

set(bad "")
set(checked 0)
foreach(f ${files})
  file(READ ${SOURCE_DIR}/${f} text)
  # CMake lists split at ';' and do not split inside [...]: take both out
  string(REPLACE ";" " " text "${text}")
  string(REPLACE "[" "{LB}" text "${text}")
  string(REPLACE "]" "{RB}" text "${text}")
  # `docs/...` not preceded by a path character (so ../x/docs/y or a URL's
  # path are not read as ours)
  string(REGEX MATCHALL "(^|[^A-Za-z0-9_./-])docs/[A-Za-z0-9_.-][A-Za-z0-9_./-]*" refs "${text}")
  foreach(ref ${refs})
    string(REGEX REPLACE "^.*(docs/.*)$" "\\1" path "${ref}")
    string(REGEX REPLACE "[.]+$" "" path "${path}") # the full stop of a sentence
    math(EXPR checked "${checked} + 1")
    if(NOT EXISTS ${SOURCE_DIR}/${path})
      string(APPEND bad "${f}: cites ${path}, which does not exist\n")
    endif()
  endforeach()
  if(f MATCHES "\\.md$")
    get_filename_component(dir ${f} DIRECTORY)
    string(REGEX MATCHALL "{RB}\\([^) \t#]+" links "${text}")
    foreach(link ${links})
      string(SUBSTRING "${link}" 5 -1 target)
      if(target MATCHES "^[a-z]+:")
        continue() # http:, https:, mailto:
      endif()
      math(EXPR checked "${checked} + 1")
      if(dir)
        set(path ${dir}/${target})
      else()
        set(path ${target})
      endif()
      if(NOT EXISTS ${SOURCE_DIR}/${path})
        string(APPEND bad "${f}: links to ${target}, which does not exist\n")
      endif()
    endforeach()
  endif()
endforeach()

list(LENGTH files n_files)
if(bad)
  message(FATAL_ERROR "dangling references to documents:\n${bad}")
endif()
message(STATUS "${checked} references to documents in ${n_files} files, none dangling")
