namespace NeuralPipelines.Models.Generative.TransformFunction;

/// <summary>How long and how a transform function is trained; every random choice follows from <see cref="Seed"/>.</summary>
/// <param name="Steps">Optimiser steps (0 leaves G as initialised, a baseline).</param>
/// <param name="BatchSize">Uniform inputs per step; the MMD compares as many target samples, the discriminator sees both.</param>
/// <param name="LearningRate">Adam's step size at the start (it decays to zero along a cosine over <see cref="Steps"/>);
/// null for the method's default, <see cref="DefaultMmdLearningRate"/> or <see cref="DefaultAdversarialLearningRate"/>.</param>
/// <param name="Hidden">Width of G's (and the discriminator's) two hidden layers.</param>
/// <param name="BandwidthScales">The MMD bandwidths as multiples of the target's standard deviation (null for
/// <see cref="DefaultBandwidthScales"/>).</param>
/// <param name="Draws">Draws of G(u) measured against the target at the end (at least 2,000).</param>
public sealed record TransformFunctionOptions(
    int Steps = 3000,
    int BatchSize = 128,
    float? LearningRate = null,
    int Hidden = 32,
    float[]? BandwidthScales = null,
    int Draws = 10_000,
    int Seed = 1)
{
    /// <summary>The run docs/EXPERIMENTS.md reports, the <c>transform-function</c> benchmark's default: 10,000 steps of
    /// batch 256, seed 1 (the tests' 3,000 steps of 128 are this type's defaults).</summary>
    public static TransformFunctionOptions Documented => new(Steps: 10_000, BatchSize: 256, Seed: 1);

    /// <summary>η = 0.01 for MMD: the cost is smooth and its gradient has a steady size (the √ of MMD²).</summary>
    public const float DefaultMmdLearningRate = 0.01f;

    /// <summary>η = 0.001 for the GAN: at 0.003 the two players already overshoot each other and G's fit gets worse.</summary>
    public const float DefaultAdversarialLearningRate = 0.001f;

    /// <summary>σ = 0.1, 0.25, 0.5, 1, 2 and 4 standard deviations of the target.</summary>
    /// <remarks>The pixel-space default (σ = 2 … 80) is sized for distances between images, about 10; on a line the
    /// distances are about one standard deviation, so the set is rescaled to it. The narrow kernels resolve the density's
    /// shape (a mode's width, the exponential's corner at 0); the wide ones (2 and 4) reach samples far out in the tail.
    /// With only σ ≤ 1 (0.02 … 1 tried) G stopped short of the exponential's tail, G(0.99) ≈ 2 for F⁻¹(0.99) = 4.6, and
    /// the Kolmogorov–Smirnov distance stayed at 0.11.</remarks>
    public static float[] DefaultBandwidthScales => [0.1f, 0.25f, 0.5f, 1f, 2f, 4f];

    /// <summary>The learning rate the given method starts from.</summary>
    public float LearningRateFor(TransformFunctionMethod method) =>
        LearningRate ?? (method == TransformFunctionMethod.Mmd ? DefaultMmdLearningRate : DefaultAdversarialLearningRate);
}
