using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>The vector width the kernels run at: 512 or 256 bits, or their scalar twins.</summary>
public enum SimdPath
{
    /// <summary>Plain loops (the kernels' twins): any CPU.</summary>
    Scalar = 0,
    /// <summary><c>Vector256</c> with FMA (AVX2 + FMA on x64).</summary>
    Vector256 = 256,
    /// <summary><c>Vector512</c> (AVX-512 on x64).</summary>
    Vector512 = 512,
}

/// <summary>The one place that decides which width the SIMD kernels run at (GEMM micro-kernel, direct convolution).</summary>
/// <remarks>
/// The widest path the hardware accelerates, unless the environment variable <c>NP_SIMD</c> (<c>512</c>, <c>256</c> or
/// <c>scalar</c>) asks for a narrower one: CI can then run every path a machine has. A request wider than the hardware is
/// capped at what it has (a machine without AVX-512 runs <c>NP_SIMD=512</c> at 256 bits), never an error: the variable
/// says "at most". Tests switch in process with <see cref="Use"/>, which every kernel reads on each call, so a switch
/// takes effect at the next call. The GEMM and each convolution kernel give the same bits at every width (each output
/// element is one fused multiply-add chain in a fixed order). A convolution as <c>Convolution</c> runs it does not: the
/// route it takes depends on the width, and the routes sum in different orders (the direct kernels from the bias, the
/// GEMM adding it last, channels-last tap by tap; the kernel fuzz found most outputs of ResNet-8's and the DCGAN's layers
/// differing in the last bits between 256 and 512), and ∂C/∂w and ∂C/∂b sum over the batch in lanes as wide as the path
/// (audit L2). So a switch made while other threads compute may change their last bits, and a CNN's results are the same
/// bits on any thread count but not across widths.
/// </remarks>
public static class SimdWidth
{
    /// <summary>The environment variable that caps the width: <c>512</c>, <c>256</c> or <c>scalar</c>.</summary>
    public const string Variable = "NP_SIMD";

    /// <summary>The widest path this machine accelerates. 256 bits needs FMA too: every 256-bit kernel fuses its
    /// multiply-adds, and a software fallback of <c>Vector256.FusedMultiplyAdd</c> would be slower than the scalar loop.</summary>
    public static SimdPath Hardware { get; } =
        Vector512.IsHardwareAccelerated ? SimdPath.Vector512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? SimdPath.Vector256
        : SimdPath.Scalar;

    /// <summary>The width the environment asks for (<see cref="Variable"/>), capped at <see cref="Hardware"/>; the
    /// hardware's own when the variable is unset.</summary>
    /// <exception cref="ArgumentException">The variable holds something else than a width (read on each call until it
    /// parses, so the message reaches the caller as itself rather than wrapped in a type-initialiser failure).</exception>
    public static SimdPath FromEnvironment => Cap(Parse(Environment.GetEnvironmentVariable(Variable)));

    // -1 until the first read: the environment is parsed then, not at type load.
    private static int s_current = -1;

    /// <summary>The width the kernels use now.</summary>
    /// <remarks>Inlined, the environment's first read kept out of line: kernels ask at every short row, and as a call
    /// this getter was 0.6 % of a ResNet-8 step's samples (perf, Zen 5).</remarks>
    public static SimdPath Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            int current = Volatile.Read(ref s_current);
            return current >= 0 ? (SimdPath)current : FirstRead();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static SimdPath FirstRead()
    {
        var path = FromEnvironment;
        Volatile.Write(ref s_current, (int)path);
        return path;
    }

    /// <summary>True when <paramref name="path"/> can run on this machine.</summary>
    public static bool Available(SimdPath path) => path <= Hardware;

    /// <summary>Every path this machine can run, narrowest first (what a test parametrised over widths iterates).</summary>
    public static IEnumerable<SimdPath> AvailablePaths => Enum.GetValues<SimdPath>().Where(Available);

    /// <summary>Runs the kernels at <paramref name="path"/> until the returned scope is disposed (for tests and
    /// benchmarks; the previous width comes back on dispose).</summary>
    /// <exception cref="PlatformNotSupportedException">The machine cannot run <paramref name="path"/>.</exception>
    public static IDisposable Use(SimdPath path)
    {
        if (!Available(path))
            throw new PlatformNotSupportedException($"{path} is not accelerated on this machine (widest: {Hardware}).");
        var previous = Current;
        Volatile.Write(ref s_current, (int)path);
        return new Scope(previous);
    }

    /// <summary>Reads <see cref="Variable"/>'s value; null or empty means no cap. Anything else is refused in one line
    /// naming the variable, since a misspelt cap that silently ran the widest path would make a CI leg test nothing.</summary>
    public static SimdPath Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => SimdPath.Vector512,
        "512" => SimdPath.Vector512,
        "256" => SimdPath.Vector256,
        "scalar" or "0" => SimdPath.Scalar,
        _ => throw new ArgumentException($"{Variable}={value} is not a width: use 512, 256 or scalar."),
    };

    private static SimdPath Cap(SimdPath asked) => asked <= Hardware ? asked : Hardware;

    private sealed class Scope(SimdPath previous) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            Volatile.Write(ref s_current, (int)previous);
        }
    }
}
