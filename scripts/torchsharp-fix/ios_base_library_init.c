/* Stands in for std::ios_base_library_init() (mangled _ZSt21ios_base_library_initv), the one
 * GCC 13 libstdc++ symbol (version GLIBCXX_3.4.32) that TorchSharp's libLibTorchSharp.so needs.
 * GCC 13 added it so that every object using <iostream> pulls in the library's stream
 * initialisation; with GCC <= 12's libstdc++ the streams are initialised by ios_base::Init in the
 * library itself, so doing nothing here is correct. Written in C under the mangled name so that
 * building it needs no C++ compiler. See scripts/torchsharp-fix.sh. */
void _ZSt21ios_base_library_initv(void) {}
