using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Generative.Training;

/// <summary>The exponential moving average of a generator's weights (Polyak averaging, as ProGAN, StyleGAN and BigGAN
/// sample): after every step of the generator, θ̄ ← β·θ̄ + (1 − β)·θ for each of its parameters.</summary>
/// <remarks>
/// <para>An adversarial generator does not settle: D and G chase each other, so its weights keep circling a good point
/// instead of stopping at it. The average over the last ~1/(1 − β) steps sits nearer that point and draws cleaner
/// images, at no cost to training: the average is never trained, only read.</para>
/// <para>β ramps up as TensorFlow's <c>ExponentialMovingAverage</c> with <c>num_updates</c> does:
/// β_t = min(β, (1 + t)/(10 + t)) with t the generator's step count, so an average started from the random
/// initialisation forgets it within tens of steps rather than ~1/(1 − β). t is the generator optimiser's own count,
/// saved in the checkpoint, so a resumed run applies the same β at every step; and an average started from a
/// generator trained without one (an older checkpoint) gets the full β at once, as it should: the initialisation it
/// would forget is long gone.</para>
/// <para>Only parameters are averaged. Batch-norm running statistics describe the activations of one set of weights
/// and are not a linear function of them (a variance is a square), so the average's are measured afresh on its own
/// activations instead (<see cref="StandingStatistics"/>).</para>
/// </remarks>
public sealed class GeneratorAverage
{
    private readonly Tensor[] _average, _live;

    /// <param name="average">The averaged copy (from <see cref="StartFrom"/> or a checkpoint).</param>
    /// <param name="live">The generator being trained, of the same architecture.</param>
    public GeneratorAverage(Layer average, Layer live, float decay)
    {
        if (!(decay is > 0f and < 1f)) throw new ArgumentException($"The generator average's decay β must be in (0, 1), got {decay}.");
        if (average.Spec.ToJson() != live.Spec.ToJson())
            throw new ArgumentException("The averaged generator is not built as the trained one (their layer specs differ).");
        _average = average.AllParameters().Select(p => p.Value).ToArray();
        _live = live.AllParameters().Select(p => p.Value).ToArray();
        Decay = decay;
    }

    /// <summary>The β the ramp reaches.</summary>
    public float Decay { get; }

    /// <summary>β at the generator's step <paramref name="step"/>: min(β, (1 + t)/(10 + t)).</summary>
    public static float DecayAt(float decay, long step) => (float)Math.Min(decay, (1.0 + step) / (10.0 + step));

    /// <summary>Moves the average toward the generator's current weights, after its <paramref name="step"/>-th step.</summary>
    public void Update(long step)
    {
        float beta = DecayAt(Decay, step);
        for (int i = 0; i < _average.Length; i++) Blend(_average[i].Span, _live[i].Span, beta);
    }

    /// <summary>θ̄ ← β·θ̄ + (1 − β)·θ, elementwise.</summary>
    public static void Blend(Span<float> average, ReadOnlySpan<float> live, float beta)
    {
        if (average.Length != live.Length) throw new ArgumentException($"The average has {average.Length} values but the generator {live.Length}.");
        TensorPrimitives.Multiply(average, beta, average);
        TensorPrimitives.MultiplyAdd(live, 1f - beta, average, average);
    }

    /// <summary>A copy of <paramref name="generator"/>: same architecture, parameters and running statistics. The
    /// average starts here, whether the generator is freshly initialised or was trained without an average.</summary>
    public static Layer StartFrom(Layer generator)
    {
        var copy = LayerRegistry.Build(generator.Spec);
        foreach (var (to, from) in copy.AllParameters().Select(p => p.Value).Zip(generator.AllParameters().Select(p => p.Value))) from.Span.CopyTo(to.Span);
        foreach (var (to, from) in copy.AllBuffers().Zip(generator.AllBuffers())) from.Span.CopyTo(to.Span);
        return copy;
    }
}
