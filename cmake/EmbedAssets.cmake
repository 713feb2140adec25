# embed_assets(OUT_VAR file...) generates a .cpp that holds each file as a string,
# looked up by file name through sofiatwin::assets::text(name).
function(embed_assets out_var)
  set(gen ${CMAKE_BINARY_DIR}/generated/embedded_assets.cpp)
  string(REPLACE ";" "|" files "${ARGN}")
  add_custom_command(
    OUTPUT ${gen}
    COMMAND ${CMAKE_COMMAND} -DOUT=${gen} "-DFILES=${files}" -P ${CMAKE_SOURCE_DIR}/cmake/EmbedAssetsScript.cmake
    DEPENDS ${ARGN} ${CMAKE_SOURCE_DIR}/cmake/EmbedAssetsScript.cmake
    COMMENT "Embedding default-model assets"
    VERBATIM)
  set(${out_var} ${gen} PARENT_SCOPE)
endfunction()
