namespace NeuralPipelines.Models.Kernels;

/// <summary>Pack buffers, grown on demand and then reused, so that GEMM calls allocate nothing after warm-up.</summary>
/// <remarks>
/// Pinned arrays on the pinned-object heap, aligned to 64 bytes by an offset; the GC frees them with their owner.
/// New buffers are written once at once: untouched pages map to the shared zero page and would make first timings lie.
/// </remarks>
internal sealed unsafe class GemmWorkspace
{
    private float[] _packedA = [], _packedB = [];
    private float* _a, _b;

    /// <summary>This thread's packed A block (MC×KC).</summary>
    public float* PackedA => _a;

    /// <summary>Packed B: one k step of a column block on one thread, a group of steps on the team (<see cref="GemmSchedule"/>).</summary>
    public float* PackedB => _b;

    /// <summary>The call (<see cref="GemmSchedule"/>'s count) and step whose B <see cref="PackedB"/> holds when the
    /// team's threads pack their own (<see cref="GemmSchedule.ThreadsPackOwnB"/>).</summary>
    public long BCall;
    public int BStep;

    private float[] _wholeA = [];
    private float* _whole;

    /// <summary>op(A) packed whole for a call the team cuts into column pieces.</summary>
    public float* WholeA => _whole;

    /// <summary>Makes the whole-A buffer hold <paramref name="floats"/> floats.</summary>
    public void EnsureWholeA(int floats)
    {
        if (Capacity(_wholeA) < floats) _whole = Allocate(floats, out _wholeA);
    }

    /// <summary>Makes packed A hold a full MC×KC block.</summary>
    public void EnsureA()
    {
        if (_packedA.Length == 0) _a = Allocate(GemmBlocking.PackedALength, out _packedA);
    }

    /// <summary>Makes the packed-B buffer hold <paramref name="floats"/> floats.</summary>
    public void EnsureB(int floats)
    {
        if (Capacity(_packedB) < floats) _b = Allocate(floats, out _packedB);
    }

    private static int Capacity(float[] array) => Math.Max(0, array.Length - Slack);

    /// <summary>Room for the 64-byte alignment offset (≤ 15 floats) plus the 2-float overrun of packing's 8-wide stores.</summary>
    private const int Slack = 32;

    private static float* Allocate(int floats, out float[] array)
    {
        array = GC.AllocateUninitializedArray<float>(floats + Slack, pinned: true);
        array.AsSpan().Fill(0f);
        fixed (float* p = array)
        {
            nint offset = (64 - (nint)p % 64) % 64 / sizeof(float);
            return p + offset;
        }
    }
}
