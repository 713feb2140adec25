# embed_assets(OUT_VAR NAMESPACE file...) generates a .cpp that holds each file as a string,
# looked up by file name through sofiatwin::NAMESPACE::text(name).
function(embed_assets out_var ns)
  set(gen ${CMAKE_BINARY_DIR}/generated/embedded_${ns}.cpp)
  string(REPLACE ";" "|" files "${ARGN}")
  add_custom_command(
    OUTPUT ${gen}
    COMMAND ${CMAKE_COMMAND} -DOUT=${gen} -DNS=${ns} "-DFILES=${files}" -P ${CMAKE_SOURCE_DIR}/cmake/EmbedAssetsScript.cmake
    DEPENDS ${ARGN} ${CMAKE_SOURCE_DIR}/cmake/EmbedAssetsScript.cmake
    COMMENT "Embedding ${ns}"
    VERBATIM)
  set(${out_var} ${gen} PARENT_SCOPE)
endfunction()
