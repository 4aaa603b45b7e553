using System.Text.Json.Serialization;
using NeuralPipelines.Models.Layers;
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

    /// <summary>The optimiser that trains <paramref name="parameters"/>: <see cref="Optimizer"/>, created from the options when
    /// missing. The training step zeroes and updates the optimiser's own parameters, so one bound to another network (a state
    /// reused for a second model, or a checkpoint's state given to another architecture) would leave this network untrained
    /// and move the other one's weights, silently; and one of other settings would contradict the options saved beside it.</summary>
    /// <exception cref="InvalidOperationException">The optimiser belongs to another network, or its settings are not the options'.</exception>
    public Optimizer OptimizerFor(IReadOnlyList<Parameter> parameters)
    {
        if (Optimizer is not { } optimizer) return Optimizer = Optimizers.Optimizer.Create(Options.Optimizer, parameters);
        var own = optimizer.Parameters;
        bool same = own.Length == parameters.Count;
        for (int i = 0; same && i < own.Length; i++) same = ReferenceEquals(own[i], parameters[i]);
        if (!same)
            throw new InvalidOperationException($"The training state's optimiser updates the {own.Length} parameters of another network, not this network's {parameters.Count}: " +
                                                "give each model its own TrainingState (a checkpoint's state goes with the model loaded from the same file).");
        if (optimizer.Settings != Options.Optimizer)
            throw new InvalidOperationException($"The training state's optimiser is {optimizer.Settings} but its options say {Options.Optimizer}.");
        return optimizer;
    }

    public int CompletedEpochs { get; set; }
    public List<EpochReport> History { get; set; } = [];
    public double BestTestAccuracy { get; set; } = -1;
    public int BestEpoch { get; set; }
    /// <summary>Why training stopped before its last epoch (early stopping), or null.</summary>
    public string? StopReason { get; set; }
    public double TrainSeconds { get; set; }
    public long ImagesSeen { get; set; }
}
