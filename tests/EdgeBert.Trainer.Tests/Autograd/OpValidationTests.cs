using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Tests.Autograd;

/// <summary>Bad shapes and values give clear exceptions that name the operation and shapes.</summary>
[TestFixture]
public sealed class OpValidationTests
{
    private static Tensor Z(params int[] shape) => Tensor.Zeros(shape);

    [Test]
    public void TensorRejectsMismatchedData()
    {
        Assert.That(() => new Tensor(new float[5], [2, 3]), Throws.ArgumentException.With.Message.Contains("[2, 3] holds 6 values"));
        Assert.That(() => Tensor.Zeros([2, -1]), Throws.ArgumentException.With.Message.Contains("negative"));
        Assert.That(() => Z(2, 3).Item(), Throws.InvalidOperationException.With.Message.Contains("[2, 3]"));
        Assert.That(() => Z(2, 3).Dim(2), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void ShapeMismatchesNameTheShapes()
    {
        Assert.That(() => Ops.Linear(Z(2, 5), Z(4, 6)), Throws.ArgumentException.With.Message.Contains("Linear").And.Message.Contains("[4, 6]"));
        Assert.That(() => Ops.Linear(Z(2, 5), Z(4, 5), Z(3)), Throws.ArgumentException.With.Message.Contains("bias must be [4]"));
        Assert.That(() => Ops.MatMul(Z(2, 3), Z(4, 5)), Throws.ArgumentException.With.Message.Contains("inner dimensions"));
        Assert.That(() => Ops.MatMul(Z(2, 2, 3), Z(3, 3, 4)), Throws.ArgumentException.With.Message.Contains("batch dimensions"));
        Assert.That(() => Ops.MatMul(Z(3), Z(3, 4)), Throws.ArgumentException.With.Message.Contains("at least 2"));
        Assert.That(() => Ops.Add(Z(2, 3), Z(2)), Throws.ArgumentException.With.Message.Contains("does not broadcast"));
        Assert.That(() => Ops.Mul(Z(2, 3), Z(2, 3, 1)), Throws.ArgumentException.With.Message.Contains("Mul"));
        Assert.That(() => Ops.Reshape(Z(2, 3), 4, 2), Throws.ArgumentException.With.Message.Contains("cannot become [4, 2]"));
        Assert.That(() => Ops.Reshape(Z(2, 3), -1, -1), Throws.ArgumentException.With.Message.Contains("only one dimension"));
        Assert.That(() => Ops.Permute(Z(2, 3), 0, 0), Throws.ArgumentException.With.Message.Contains("not a permutation"));
        Assert.That(() => Ops.SplitHeads(Z(2, 3, 5), 2), Throws.ArgumentException.With.Message.Contains("divisible by 2"));
        Assert.That(() => Ops.LayerNorm(Z(2, 4), Z(3), Z(4)), Throws.ArgumentException.With.Message.Contains("must be [4]"));
        Assert.That(() => Ops.LayerNorm(Z(2, 4), Z(4), Z(4), 0f), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => Ops.Softmax(Z(2, 3, 4), Z(2, 3, 3)), Throws.ArgumentException.With.Message.Contains("does not broadcast"));
        Assert.That(() => Ops.Mse(Z(2, 3), Z(3, 2)), Throws.ArgumentException.With.Message.Contains("[2, 3] and [3, 2]"));
        Assert.That(() => Ops.SoftCrossEntropy(Z(2, 3), Z(2, 4)), Throws.ArgumentException);
    }

    [Test]
    public void BadIndicesAndProbabilities()
    {
        Assert.That(() => Ops.Embedding(Z(5, 2), [1, 5], [2]), Throws.ArgumentException.With.Message.Contains("id 5 at position 1"));
        Assert.That(() => Ops.Embedding(Z(5, 2), [-1], [1]), Throws.ArgumentException.With.Message.Contains("id -1"));
        Assert.That(() => Ops.Embedding(Z(5, 2), [1, 2, 3], [2, 2]), Throws.ArgumentException.With.Message.Contains("do not fill"));
        Assert.That(() => Ops.CrossEntropy(Z(2, 3), [0, 3]), Throws.ArgumentException.With.Message.Contains("label 3 of row 1"));
        Assert.That(() => Ops.CrossEntropy(Z(2, 3), [0]), Throws.ArgumentException.With.Message.Contains("1 labels for 2 rows"));
        Assert.That(() => Ops.Dropout(Z(2), 1f, new Random(1)), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => Ops.Dropout(Z(2), float.NaN, new Random(1)), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => TrainerThreads.Count = 0, Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}
