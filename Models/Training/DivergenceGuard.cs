using System.Globalization;
using System.Numerics.Tensors;
using NeuralPipelines.Models.Layers;

namespace NeuralPipelines.Models.Training;

/// <summary>Divergence that has not (yet) produced a NaN: a weight past <see cref="WeightBound"/>, or an epoch's training
/// cost <see cref="CostRise"/> times the best one so far. The trainer checks after each epoch, before that epoch is saved,
/// so the checkpoint on disk stays the last good one, as with the NaN guard.</summary>
/// <remarks>A softmax classifier whose learning rate is far too large can run away for many epochs with a finite cost:
/// its logits saturate, the cost stays bounded, and the weights reach 1e22 before (if ever) anything becomes NaN; saved,
/// such a model scores with exit 0. Trained networks here keep weights within ±100 (inputs are normalised, initialisation
/// is He or Xavier), so ±1e6 is four orders of magnitude of headroom. The cost rule ignores costs under
/// <see cref="CostFloor"/>: near zero, a tenfold rise is noise, not divergence.</remarks>
public static class DivergenceGuard
{
    public const float WeightBound = 1e6f;
    public const double CostRise = 10;
    public const double CostFloor = 0.01;

    /// <summary>Why this epoch counts as diverged, or null when it does not.</summary>
    /// <param name="history">The epochs completed before this one.</param>
    public static string? Check(Layer network, double trainCost, IReadOnlyList<EpochReport> history)
    {
        int i = 0;
        foreach (var p in network.AllParameters())
        {
            int index = i++;
            if (p.Value.Length == 0) continue;
            float largest = Math.Abs(TensorPrimitives.MaxMagnitude(p.Value.Span));
            if (largest > WeightBound)
                return string.Create(CultureInfo.InvariantCulture,
                    $"a value of parameter{index}.{p.Name} reached {largest:0.##e0}, past the bound of ±{WeightBound:0e0} (the cost is still finite, but the model has run away)");
        }
        if (history.Count == 0) return null;
        double best = Math.Max(history.Min(h => h.TrainLoss), CostFloor);
        return trainCost > CostRise * best
            ? string.Create(CultureInfo.InvariantCulture, $"the training cost rose to {trainCost:g4}, more than {CostRise:g} times its best of {best:g4}")
            : null;
    }
}
