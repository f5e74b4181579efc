// The header must compile as C++ too (extern "C" guard, no C-only constructs); built by the Makefile.
#include <edgebert.h>

static_assert(EDGEBERT_ABI_VERSION == 2, "ABI version");
static_assert(sizeof(edgebert_session_params) == 32, "edgebert_session_params layout (x86-64) matches NativeSessionParams");
static_assert(sizeof(edgebert_model_info) == 32, "edgebert_model_info layout (x86-64) matches NativeModelInfo");
static_assert(sizeof(edgebert_classification) == 20, "edgebert_classification layout matches NativeClassification");
static_assert(sizeof(edgebert_encode_result) == 8, "edgebert_encode_result layout matches NativeEncodeResult");

int edgebert_header_cxx_check() { return edgebert_abi_version(); }
