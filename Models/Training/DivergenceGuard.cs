using System.Globalization;
using System.Numerics.Tensors;
using NeuralPipelines.Models.Layers;

namespace NeuralPipelines.Models.Training;

/// <summary>Divergence that has not (yet) produced a NaN: a weight past <see cref="WeightBound"/>, or an epoch's training
/// cost <see cref="CostRise"/> times the best one so far. The trainers check after each epoch, before that epoch is saved,
/// so the checkpoint on disk stays the last good one, as with the NaN guard.</summary>
/// <remarks>A softmax classifier whose learning rate is far too large can run away for many epochs with a finite cost:
/// its logits saturate, the cost stays bounded, and the weights reach 1e22 before (if ever) anything becomes NaN; saved,
/// such a model scores with exit 0. Trained networks here keep weights within ±100 (inputs are normalised, initialisation
/// is He or Xavier), so ±1e6 is four orders of magnitude of headroom. The cost rule ignores costs under
/// <see cref="CostFloor"/>: near zero, a tenfold rise is noise, not divergence.
/// The generative trainers (several networks, several costs per epoch) use the same two rules through
/// <see cref="Weights(Layer, string?)"/> and <see cref="Cost(string, IReadOnlyDictionary{string, double}, IEnumerable{IReadOnlyDictionary{string, double}}, string[], double?)"/>;
/// which costs each compares, and why, is said where it calls them.</remarks>
public static class DivergenceGuard
{
    public const float WeightBound = 1e6f;
    public const double CostRise = 10;
    public const double CostFloor = 0.01;

    /// <summary>Why this classifier epoch counts as diverged, or null when it does not.</summary>
    /// <param name="history">The epochs completed before this one.</param>
    public static string? Check(Layer network, double trainCost, IReadOnlyList<EpochReport> history) =>
        Weights(network) ?? Cost("training cost", trainCost, history.Select(h => h.TrainLoss));

    /// <summary>The first parameter value past ±<see cref="WeightBound"/>, named (with the network's role when there are
    /// several, e.g. "discriminator"), or null.</summary>
    public static string? Weights(Layer network, string? role = null)
    {
        int i = 0;
        foreach (var p in network.AllParameters())
        {
            int index = i++;
            if (p.Value.Length == 0) continue;
            float largest = Math.Abs(TensorPrimitives.MaxMagnitude(p.Value.Span));
            if (largest > WeightBound)
                return string.Create(CultureInfo.InvariantCulture,
                    $"a value of {(role is null ? "" : $"the {role}'s ")}parameter{index}.{p.Name} reached {largest:0.##e0}, past the bound of ±{WeightBound:0e0} (the cost is still finite, but the model has run away)");
        }
        return null;
    }

    /// <summary>The first of several networks whose weights are past the bound (null entries are networks a model lacks).</summary>
    public static string? Weights(params (string Role, Layer? Network)[] networks) =>
        networks.Select(n => n.Network is null ? null : Weights(n.Network, n.Role)).FirstOrDefault(w => w is not null);

    /// <summary>Why <paramref name="cost"/> counts as a runaway against the <paramref name="earlier"/> epochs' costs, or null.</summary>
    /// <param name="least">The cost's least possible value, where it has a known one above zero (a GAN's two costs
    /// together): it joins the earlier costs as a reference, so even epoch 1 is judged, and a run that starts out
    /// running away cannot set its own runaway cost as its "best".</param>
    public static string? Cost(string name, double cost, IEnumerable<double> earlier, double? least = null)
    {
        double? lowest = earlier.Select(c => (double?)c).Append(least).Min();
        if (lowest is null) return null;
        double best = Math.Max(lowest.Value, CostFloor);
        string of = least is { } l && best == Math.Max(l, CostFloor) ? "its least possible value" : "its best";
        return cost > CostRise * best
            ? string.Create(CultureInfo.InvariantCulture, $"the {name} rose to {cost:g4}, more than {CostRise:g} times {of} of {best:g4}")
            : null;
    }

    /// <summary>The cost rule on the sum of named entries of an epoch's loss table (one key, or e.g. d_loss + g_loss),
    /// against the earlier epochs' tables that have them all (a resumed run's older epochs, or another phase's, may not).</summary>
    public static string? Cost(string name, IReadOnlyDictionary<string, double> losses, IEnumerable<IReadOnlyDictionary<string, double>> earlier,
        string[] keys, double? least = null)
    {
        if (!keys.All(losses.ContainsKey)) return null;
        return Cost(name, keys.Sum(k => losses[k]), earlier.Where(l => keys.All(l.ContainsKey)).Select(l => keys.Sum(k => l[k])), least);
    }
}
