using NeuralPipelines.Tests;
using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests;

/// <summary>README: NP_SIMD caps the kernels' width for the whole process, and anything but 512, 256 or scalar is refused
/// in one line. The kernels read it at their first call, so np demo used to run its four ML.NET steps and write their
/// files, and np train print its header, before the refusal; every command now reads it before any work.</summary>
public class SimdVariableCommandTests
{
    [Fact]
    public void A_value_that_is_not_a_width_is_refused_before_any_work()
    {
        using var folder = new TempFolder();
        var env = new Dictionary<string, string> { ["NP_SIMD"] = "avx512" };
        var ckpt = folder.File("m.ckpt");
        var (code, stdout, stderr) = FreshProcess(env, "train", "mlp", "--epochs", "1", "--train-limit", "100", "--out", ckpt);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Equal("np train: error: NP_SIMD=avx512 is not a width: use 512, 256 or scalar.", stderr.Trim());
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));

        // A command that runs no kernel is refused the same way: the variable is the process's.
        (code, stdout, stderr) = FreshProcess(env, "regress", "--data", "diabetes", "--out", folder.File("d.zip"));
        Assert.Equal((1, ""), (code, stdout));
        Assert.Equal("np regress: error: NP_SIMD=avx512 is not a width: use 512, 256 or scalar.", stderr.Trim());
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));

        // A width is taken, and one the hardware lacks is lowered to what it has.
        Assert.Equal(0, FreshProcess(new Dictionary<string, string> { ["NP_SIMD"] = "512" }, "regress", "--data", "diabetes").Code);
    }
}
