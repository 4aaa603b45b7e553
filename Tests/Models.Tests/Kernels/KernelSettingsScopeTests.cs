using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>The scope the kernel tests change thread settings through: it sets what it is given and restores all
/// four settings, also after a throwing body or a refused value, since a leak would change how every later test
/// runs.</summary>
[Collection(nameof(GemmThreadsCollection))]
public class KernelSettingsScopeTests
{
    private static (int Threads, long Threshold, bool Adapt, int Loop) Settings() =>
        (Gemm.Threads, Gemm.ParallelThreshold, Gemm.AdaptToLoad, KernelLoop.MaxThreads);

    [Fact]
    public void Sets_what_it_is_given_and_restores_everything_when_the_body_throws()
    {
        var before = Settings();
        var settings = (Threads: before.Threads + 1, Threshold: before.Threshold + 1, Adapt: !before.Adapt, Loop: before.Loop + 1);
        Assert.Throws<InvalidOperationException>(Body);
        Assert.Equal(before, Settings());

        void Body()
        {
            using var scope = new KernelSettingsScope(settings.Threads, settings.Threshold, settings.Adapt, settings.Loop);
            Assert.Equal(settings, Settings());
            KernelLoop.MaxThreads = 1; // a body's own change is undone too
            throw new InvalidOperationException();
        }
    }

    [Fact]
    public void Leaves_unnamed_settings_alone_and_restores_after_a_refused_value()
    {
        var before = Settings();
        using (new KernelSettingsScope(adaptToLoad: !before.Adapt))
            Assert.Equal(before with { Adapt = !before.Adapt }, Settings());
        Assert.Equal(before, Settings());

        Assert.Throws<ArgumentOutOfRangeException>(() => new KernelSettingsScope(threads: before.Threads + 1, loopThreads: 0));
        Assert.Equal(before, Settings());
    }
}
