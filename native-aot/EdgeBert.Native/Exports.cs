using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace EdgeBert.Native;

/// <summary>
/// The C ABI of <c>libedgebert.so</c> (see <c>native-aot/include/edgebert.h</c>). Each export is a
/// thin shim: it turns pointers into spans and handles into objects, calls the managed
/// implementation (<see cref="NativeModel"/>, <see cref="NativeSession"/>), and turns every
/// exception into an <see cref="NativeStatus"/> plus the thread's last error. No exception may
/// cross into C: NativeAOT would abort the process.
/// </summary>
public static unsafe class Exports
{
    /// <summary>ABI version of the C interface; bumped on any incompatible change.</summary>
    public const int AbiVersion = NativeSystemInfo.AbiVersion;

    /// <summary>edgebert_length that means "the text is NUL-terminated" (SIZE_MAX).</summary>
    private static readonly nuint NulTerminated = nuint.MaxValue;

    // Pinned and rooted for the life of the process, so the pointer handed out stays valid.
    private static readonly byte[] s_version = Terminated(NativeSystemInfo.Version);

    /// <summary><c>int edgebert_abi_version(void)</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "edgebert_abi_version")]
    public static int AbiVersionExport() => AbiVersion;

    /// <summary><c>const char *edgebert_version(void)</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "edgebert_version")]
    public static byte* VersionExport() => (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(s_version));

    /// <summary><c>const char *edgebert_last_error(void)</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "edgebert_last_error")]
    public static byte* LastErrorExport() => (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(NativeErrors.LastErrorBuffer));

    /// <summary><c>edgebert_status edgebert_system_info(char *buffer, size_t size, size_t *needed)</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "edgebert_system_info")]
    public static int SystemInfoExport(byte* buffer, nuint size, nuint* needed)
    {
        try
        {
            var destination = Writable(buffer, size, "buffer");
            return Done(needed, NativeText.CopyTerminated(NativeSystemInfo.Describe(), destination, "system info"));
        }
        catch (Exception e)
        {
            return Failed(e, needed);
        }
    }

    /// <summary><c>edgebert_status edgebert_model_load(const char *path, edgebert_model **model)</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "edgebert_model_load")]
    public static int ModelLoadExport(byte* path, nint* model)
    {
        try
        {
            if (model == null) throw new ArgumentNullException(nameof(model), "model (the out pointer) is NULL.");
            *model = 0;
            if (path == null) throw new ArgumentNullException(nameof(path), "path is NULL.");
            string file = NativeText.DecodeToString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(path), "path");
            *model = HandleTable.Add(NativeModel.Load(file));
            return Ok();
        }
        catch (Exception e)
        {
            return Failed(e);
        }
    }

    /// <summary><c>edgebert_status edgebert_model_load_from_memory(const void *data, size_t size, edgebert_model **model)</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "edgebert_model_load_from_memory")]
    public static int ModelLoadFromMemoryExport(byte* data, nuint size, nint* model)
    {
        try
        {
            if (model == null) throw new ArgumentNullException(nameof(model), "model (the out pointer) is NULL.");
            *model = 0;
            if (data == null) throw new ArgumentNullException(nameof(data), "data is NULL.");
            if (size > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(size), $"size {size} is over 2 GiB; use edgebert_model_load (memory-mapped).");
            *model = HandleTable.Add(NativeModel.Load(new ReadOnlySpan<byte>(data, (int)size)));
            return Ok();
        }
        catch (Exception e)
        {
            return Failed(e);
        }
    }

    /// <summary><c>void edgebert_model_free(edgebert_model *model)</c>; NULL is a no-op.</summary>
    [UnmanagedCallersOnly(EntryPoint = "edgebert_model_free")]
    public static void ModelFreeExport(nint model)
    {
        try
        {
            HandleTable.Remove<NativeModel>(model, "model")?.Release();
            NativeErrors.Clear();
        }
        catch (Exception e)
        {
            Failed(e);
        }
    }

    /// <summary><c>edgebert_status edgebert_model_get_info(const edgebert_model *model, edgebert_model_info *info)</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "edgebert_model_get_info")]
    public static int ModelGetInfoExport(nint model, NativeModelInfo* info)
    {
        try
        {
            var owner = HandleTable.Get<NativeModel>(model, "model");
            if (info == null) throw new ArgumentNullException(nameof(info), "info is NULL.");
            var value = owner.Info;
            CopySized(&value, info, info->StructSize, (nuint)sizeof(nuint), "info");
            return Ok();
        }
        catch (Exception e)
        {
            return Failed(e);
        }
    }

    /// <summary><c>edgebert_status edgebert_model_get_label(const edgebert_model *model, int32_t index, char *buffer, size_t size, size_t *needed)</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "edgebert_model_get_label")]
    public static int ModelGetLabelExport(nint model, int index, byte* buffer, nuint size, nuint* needed)
    {
        try
        {
            var value = HandleTable.Get<NativeModel>(model, "model");
            return Done(needed, value.CopyLabel(index, Writable(buffer, size, "buffer")));
        }
        catch (Exception e)
        {
            return Failed(e, needed);
        }
    }

    /// <summary><c>edgebert_session_params edgebert_session_default_params(void)</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "edgebert_session_default_params")]
    public static NativeSessionParams SessionDefaultParamsExport() => NativeSessionParams.Default;

    /// <summary><c>edgebert_status edgebert_session_create(edgebert_model *model, const edgebert_session_params *params, edgebert_session **session)</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "edgebert_session_create")]
    public static int SessionCreateExport(nint model, NativeSessionParams* parameters, nint* session)
    {
        try
        {
            if (session == null) throw new ArgumentNullException(nameof(session), "session (the out pointer) is NULL.");
            *session = 0;
            var owner = HandleTable.Get<NativeModel>(model, "model");
            var p = NativeSessionParams.Default;
            // Read only as many bytes as the caller's struct has (an older, smaller struct keeps
            // our defaults for the fields it lacks; a newer one's extra fields are ignored).
            if (parameters != null) CopySized(parameters, &p, parameters->StructSize, NativeSessionParams.Version1Size, "params");
            *session = HandleTable.Add(new NativeSession(owner, p));
            return Ok();
        }
        catch (Exception e)
        {
            return Failed(e);
        }
    }

    /// <summary><c>void edgebert_session_free(edgebert_session *session)</c>; NULL is a no-op.</summary>
    [UnmanagedCallersOnly(EntryPoint = "edgebert_session_free")]
    public static void SessionFreeExport(nint session)
    {
        try
        {
            HandleTable.Remove<NativeSession>(session, "session")?.Free();
            NativeErrors.Clear();
        }
        catch (Exception e)
        {
            Failed(e);
        }
    }

    /// <summary><c>edgebert_status edgebert_session_tokenize(edgebert_session *session, const char *text, size_t length, int32_t *ids, size_t capacity, size_t *needed)</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "edgebert_session_tokenize")]
    public static int SessionTokenizeExport(nint session, byte* text, nuint length, int* ids, nuint capacity, nuint* needed)
    {
        try
        {
            var s = HandleTable.Get<NativeSession>(session, "session");
            return Done(needed, s.Tokenize(Text(text, length), Writable(ids, capacity, "ids")));
        }
        catch (Exception e)
        {
            return Failed(e, needed);
        }
    }

    /// <summary><c>edgebert_status edgebert_session_classify(edgebert_session *session, const char *text, size_t length, edgebert_classification *result, float *logits, size_t capacity, size_t *needed)</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "edgebert_session_classify")]
    public static int SessionClassifyExport(nint session, byte* text, nuint length, NativeClassification* result, float* logits, nuint capacity, nuint* needed)
    {
        try
        {
            var s = HandleTable.Get<NativeSession>(session, "session");
            // Every NULL check before the size check, so a size query never hides a NULL argument.
            var input = Text(text, length);
            if (result == null) throw new ArgumentNullException(nameof(result), "result is NULL.");
            int labels = s.Model.Labels.Count;
            if (logits != null && capacity < (nuint)labels) throw new BufferTooSmallException("logits", (long)capacity, labels);
            *result = s.Classify(input, logits == null ? default : new Span<float>(logits, labels));
            return Done(needed, logits == null ? 0 : labels);
        }
        catch (Exception e)
        {
            return Failed(e, needed);
        }
    }

    /// <summary>
    /// <c>edgebert_status edgebert_session_classify_batch(edgebert_session *session, const char *const *texts,
    /// const size_t *lengths, size_t count, edgebert_classification *results, float *logits, size_t capacity, size_t *needed)</c>.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "edgebert_session_classify_batch")]
    public static int SessionClassifyBatchExport(nint session, byte** texts, nuint* lengths, nuint count, NativeClassification* results, float* logits, nuint capacity, nuint* needed)
    {
        try
        {
            var s = HandleTable.Get<NativeSession>(session, "session");
            if (count > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(count), $"count {count} is too large.");
            int n = (int)count;
            if (n > 0 && texts == null) throw new ArgumentNullException(nameof(texts), "texts is NULL.");
            if (n > 0 && results == null) throw new ArgumentNullException(nameof(results), "results is NULL.");
            for (int i = 0; i < n; i++)
            {
                if (texts[i] == null) throw new ArgumentNullException(nameof(texts), $"texts[{i}] is NULL.");
            }
            long wanted = (long)n * s.Model.Labels.Count;
            if (logits != null && (ulong)capacity < (ulong)wanted) throw new BufferTooSmallException("logits", (long)capacity, wanted);
            var strings = new string[n];
            for (int i = 0; i < n; i++)
            {
                strings[i] = NativeText.DecodeToString(Text(texts[i], lengths == null ? NulTerminated : lengths[i]), $"texts[{i}]");
            }
            s.ClassifyBatch(strings, new Span<NativeClassification>(results, n), logits == null ? default : new Span<float>(logits, (int)wanted));
            return Done(needed, logits == null ? 0 : wanted);
        }
        catch (Exception e)
        {
            return Failed(e, needed);
        }
    }

    /// <summary>
    /// <c>edgebert_status edgebert_session_embed(edgebert_session *session, const char *text, size_t length,
    /// float *embedding, size_t capacity, size_t *needed, edgebert_encode_result *result)</c>.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "edgebert_session_embed")]
    public static int SessionEmbedExport(nint session, byte* text, nuint length, float* embedding, nuint capacity, nuint* needed, NativeEncodeResult* result)
    {
        try
        {
            var s = HandleTable.Get<NativeSession>(session, "session");
            // Every NULL check before the size check: (NULL, 0) is a size query, NULL with a capacity an error.
            var input = Text(text, length);
            if (embedding == null && capacity > 0) throw new ArgumentNullException(nameof(embedding), $"embedding is NULL but its capacity is {capacity}.");
            int hidden = s.Model.Info.HiddenSize;
            if (capacity < (nuint)hidden) throw new BufferTooSmallException("embedding", (long)capacity, hidden);
            var encoded = s.Embed(input, new Span<float>(embedding, hidden));
            if (result != null) *result = encoded;
            return Done(needed, hidden);
        }
        catch (Exception e)
        {
            return Failed(e, needed);
        }
    }

    /// <summary>The UTF-8 bytes of a C text argument: <paramref name="length"/> bytes, or up to the NUL when it is SIZE_MAX.</summary>
    private static ReadOnlySpan<byte> Text(byte* text, nuint length)
    {
        if (text == null)
        {
            // (NULL, 0) is an empty text, as in most C APIs that take pointer and length.
            if (length == 0) return default;
            throw new ArgumentNullException(nameof(text), "text is NULL.");
        }
        if (length == NulTerminated) return MemoryMarshal.CreateReadOnlySpanFromNullTerminated(text);
        if (length > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(length), $"text length {length} is over 2 GiB.");
        return new ReadOnlySpan<byte>(text, (int)length);
    }

    /// <summary>A caller's output buffer; (NULL, 0) is an empty one (a size query), NULL with a size is an error.</summary>
    private static Span<T> Writable<T>(T* buffer, nuint size, string name) where T : unmanaged
    {
        if (buffer == null)
        {
            if (size == 0) return default;
            throw new ArgumentNullException(name, $"{name} is NULL but its size is {size}.");
        }
        return new Span<T>(buffer, (int)Math.Min(size, (nuint)int.MaxValue));
    }

    /// <summary>Copies a versioned struct between caller and library, as many bytes as both have.</summary>
    private static void CopySized<T>(T* source, T* destination, nuint callerSize, nuint minimum, string name) where T : unmanaged
    {
        // An absurd size is almost certainly an uninitialized struct, not a future version.
        if (callerSize < minimum || callerSize > 4096)
        {
            throw new ArgumentException($"{name}->struct_size is {callerSize}; set it to sizeof the struct (at least {minimum}).", name);
        }
        Buffer.MemoryCopy(source, destination, (long)callerSize, (long)Math.Min(callerSize, (nuint)sizeof(T)));
        ((nuint*)destination)[0] = callerSize;
    }

    private static int Ok()
    {
        NativeErrors.Clear();
        return (int)NativeStatus.Ok;
    }

    private static int Done(nuint* needed, long size)
    {
        if (needed != null) *needed = (nuint)size;
        return Ok();
    }

    private static int Failed(Exception e, nuint* needed = null)
    {
        if (needed != null) *needed = e is BufferTooSmallException small ? (nuint)small.Needed : 0;
        return (int)NativeErrors.Fail(e);
    }

    private static byte[] Terminated(string text)
    {
        var bytes = GC.AllocateArray<byte>(Encoding.UTF8.GetByteCount(text) + 1, pinned: true);
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
