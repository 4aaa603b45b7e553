using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary><see cref="SimdWidth"/>: what NP_SIMD means, and the in-process switch the width tests use. In the GEMM's
/// collection: they change process-wide state (the environment variable, the width), so they run alone.</summary>
[Collection(nameof(GemmThreadsCollection))]
public class SimdWidthTests
{
    [Theory]
    [InlineData("512", SimdPath.Vector512)]
    [InlineData(" 256 ", SimdPath.Vector256)]
    [InlineData("scalar", SimdPath.Scalar)]
    [InlineData("SCALAR", SimdPath.Scalar)]
    [InlineData("", SimdPath.Vector512)]
    [InlineData(null, SimdPath.Vector512)]
    public void The_variable_reads_as_a_cap(string? value, SimdPath cap) => Assert.Equal(cap, SimdWidth.Parse(value));

    [Fact]
    public void A_misspelt_width_is_refused_in_one_line_naming_the_variable()
    {
        var e = Assert.Throws<ArgumentException>(() => SimdWidth.Parse("avx512"));
        Assert.Equal("NP_SIMD=avx512 is not a width: use 512, 256 or scalar.", e.Message);
    }

    [Fact]
    public void The_environment_caps_the_width_and_never_asks_for_more_than_the_hardware()
    {
        string? before = Environment.GetEnvironmentVariable(SimdWidth.Variable);
        try
        {
            Environment.SetEnvironmentVariable(SimdWidth.Variable, "scalar");
            Assert.Equal(SimdPath.Scalar, SimdWidth.FromEnvironment);
            Environment.SetEnvironmentVariable(SimdWidth.Variable, "256");
            Assert.Equal(SimdWidth.Available(SimdPath.Vector256) ? SimdPath.Vector256 : SimdPath.Scalar, SimdWidth.FromEnvironment);
            Environment.SetEnvironmentVariable(SimdWidth.Variable, "512");
            Assert.Equal(SimdWidth.Hardware, SimdWidth.FromEnvironment);
            Environment.SetEnvironmentVariable(SimdWidth.Variable, null);
            Assert.Equal(SimdWidth.Hardware, SimdWidth.FromEnvironment);
        }
        finally { Environment.SetEnvironmentVariable(SimdWidth.Variable, before); }
    }

    [Fact]
    public void Use_switches_until_disposed_and_refuses_what_the_machine_lacks()
    {
        var before = SimdWidth.Current;
        using (SimdWidth.Use(SimdPath.Scalar))
        {
            Assert.Equal(SimdPath.Scalar, SimdWidth.Current);
            using (SimdWidth.Use(SimdWidth.Hardware)) Assert.Equal(SimdWidth.Hardware, SimdWidth.Current);
            Assert.Equal(SimdPath.Scalar, SimdWidth.Current);
        }
        Assert.Equal(before, SimdWidth.Current);
        Assert.Contains(SimdPath.Scalar, SimdWidth.AvailablePaths);
        if (SimdWidth.Hardware != SimdPath.Vector512)
            Assert.Throws<PlatformNotSupportedException>(() => SimdWidth.Use(SimdPath.Vector512));
    }
}
