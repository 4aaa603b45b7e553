namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>A test that must see two threads computing at once: skipped, with the reason, on a one-core machine, where a
/// "two-thread" run could only interleave on one core.</summary>
public sealed class MultiCoreFactAttribute : FactAttribute
{
    public MultiCoreFactAttribute()
    {
        if (Environment.ProcessorCount < 2)
            Skip = $"This machine has {Environment.ProcessorCount} core: a two-thread product needs two.";
    }
}
