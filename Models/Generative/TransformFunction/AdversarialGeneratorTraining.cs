using NeuralPipelines.Models.Generative.Sampling;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Models.Generative.TransformFunction;

/// <summary>Trains a transform function as the generator of a GAN (Goodfellow et al. 2014) against a small discriminator.</summary>
/// <remarks>
/// Binary cross-entropy on logits is <see cref="CrossEntropyCost"/> (Nielsen's cross-entropy with the sigmoid fused in):
/// with one output unit it is exactly −[y ln σ(z) + (1 − y) ln(1 − σ(z))]. Each step: one discriminator update on real
/// (label 1) and generated (label 0) samples together, then one generator update with the non-saturating loss, labels 1
/// on generated samples, its gradient passed back through the discriminator into G. Adam with β₁ = 0.5, the usual GAN
/// setting: a long momentum chases a moving opponent.
/// </remarks>
internal static class AdversarialGeneratorTraining
{
    public static void Train(Sequential generator, TransformTarget target, TransformFunctionOptions options)
    {
        var initRng = new Random(Seeds.Derive(options.Seed, 4));
        int h = options.Hidden;
        var discriminator = new Sequential(
            new Dense(1, h, Initializer.He, initRng), new LeakyReLU(0.2f),
            new Dense(h, h, Initializer.He, initRng), new LeakyReLU(0.2f),
            new Dense(h, 1, Initializer.Xavier, initRng));
        var settings = new OptimizerSettings(OptimizerKind.Adam, Beta1: 0.5f);
        var optimizeG = new Adam(generator.AllParameters().ToArray(), settings);
        var optimizeD = new Adam(discriminator.AllParameters().ToArray(), settings);
        var schedule = new LearningRateSchedule(ScheduleKind.Cosine);
        var bce = new CrossEntropyCost();
        var sampler = new InverseTransformSampler(target.Distribution);
        var rng = new Random(Seeds.Derive(options.Seed, 2));
        int n = options.BatchSize;
        var u = new Tensor(n, 1);
        var both = new Tensor(2 * n, 1);        // n target samples, then n generated ones
        var labels = new Tensor(2 * n, 1);
        labels.Span[..n].Fill(1f);
        var ones = new Tensor(n, 1);
        ones.Span.Fill(1f);
        var gradientD = new Tensor(2 * n, 1);
        var gradientG = new Tensor(n, 1);
        for (int step = 0; step < options.Steps; step++)
        {
            float rate = schedule.RateAt(options.LearningRateFor(TransformFunctionMethod.Adversarial), step, options.Steps);
            TransformFunctionExperiment.FillUniform(u, rng);
            sampler.Sample(rng, both.Span[..n]);
            generator.Forward(u, training: true).Span.CopyTo(both.Span[n..]);

            // Discriminator: minimise BCE(D(real), 1) + BCE(D(G(u)), 0); G is held fixed (its samples are plain inputs here).
            discriminator.ZeroGradients();
            double costD = bce.Compute(discriminator.Forward(both, training: true), labels, gradientD);
            if (!double.IsFinite(costD)) throw new TrainingDivergedException($"the discriminator's cost became {costD} at step {step}");
            discriminator.Backward(gradientD);
            optimizeD.Step(rate);

            // Generator: minimise BCE(D(G(u)), 1) = −ln σ(D(G(u))); ∂/∂G(u) comes out of D's backward pass, whose own
            // parameter gradients are thrown away at the next discriminator step.
            generator.ZeroGradients();
            var fake = generator.Forward(u, training: true);
            bce.Compute(discriminator.Forward(fake, training: true), ones, gradientG);
            generator.Backward(discriminator.Backward(gradientG));
            optimizeG.Step(rate);
        }
    }
}
