using System.Text.Json.Serialization;
using NeuralPipelines.Models.Optimizers;

namespace NeuralPipelines.Models.Training;

/// <summary>Where a training run stands: its options, the optimiser with its state, how many epochs are done, the history
/// and the early-stopping record. With the model's weights it is everything a resumed run needs: there is no random state
/// to carry, because every draw of epoch e comes from generators seeded with (seed, e) (see <see cref="Trainer"/>).</summary>
public sealed class TrainingState
{
    public TrainerOptions Options { get; set; } = new();

    /// <summary>The optimiser bound to the network's parameters, with its momentum or moments; created by the trainer on
    /// the first epoch when not given. Stored as tensors beside the weights, not in the JSON header.</summary>
    [JsonIgnore]
    public Optimizer? Optimizer { get; set; }

    public int CompletedEpochs { get; set; }
    public List<EpochReport> History { get; set; } = [];
    public double BestTestAccuracy { get; set; } = -1;
    public int BestEpoch { get; set; }
    /// <summary>Why training stopped before its last epoch (early stopping), or null.</summary>
    public string? StopReason { get; set; }
    public double TrainSeconds { get; set; }
    public long ImagesSeen { get; set; }
}
