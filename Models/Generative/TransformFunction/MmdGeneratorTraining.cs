using NeuralPipelines.Models.Generative.Sampling;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Models.Generative.TransformFunction;

/// <summary>Trains a transform function as a generative moment-matching network: each step compares a batch of G(u) with a
/// fresh batch of target samples by √MMD² and follows its gradient back through G.</summary>
internal static class MmdGeneratorTraining
{
    public static void Train(Sequential generator, TransformTarget target, TransformFunctionOptions options)
    {
        var scales = options.BandwidthScales ?? TransformFunctionOptions.DefaultBandwidthScales;
        var cost = new MmdCost(scales.Select(s => (float)(s * target.Deviation)).ToArray());
        var optimizer = new Adam(generator.AllParameters().ToArray(), new OptimizerSettings(OptimizerKind.Adam));
        var schedule = new LearningRateSchedule(ScheduleKind.Cosine);
        var sampler = new InverseTransformSampler(target.Distribution);
        var rng = new Random(Seeds.Derive(options.Seed, 2));
        int n = options.BatchSize;
        var u = new Tensor(n, 1);
        var real = new Tensor(n, 1);
        var gradient = new Tensor(n, 1);
        for (int step = 0; step < options.Steps; step++)
        {
            TransformFunctionExperiment.FillUniform(u, rng);
            sampler.Sample(rng, real.Span);
            generator.ZeroGradients();
            var x = generator.Forward(u, training: true);
            double c = cost.Compute(x, real, gradient);
            if (!double.IsFinite(c)) throw new TrainingDivergedException($"the MMD cost became {c} at step {step}");
            generator.Backward(gradient);
            optimizer.Step(schedule.RateAt(options.LearningRateFor(TransformFunctionMethod.Mmd), step, options.Steps));
        }
    }
}
